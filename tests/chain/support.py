"""Helpers for the review-chain tests: applications filed cheaply (straight into the table, snapshot built by
the real snapshot_build), decisions through the services, a state summary to prove a refusal changed nothing."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from applications import chain
from applications.chain_forms import PROOF
from applications.models import Application
from applications.services import snapshot_build
from core.flow import flow_write
from core.models import FlowEntry
from core.uploads import check_upload
from orgs.models import PostQuota
from review.models import Decision
from review.stages import stages
from tests.applications.support import scan_upload
from tests.factories import PersonFactory

S = Application.Status


def last_weekday_before(days: int) -> datetime.date:
    """A date `days` ago (a Monday–Friday period from 14 days ago to yesterday holds at least 9 working days)."""
    return timezone.localdate() - datetime.timedelta(days=days)


def staff(role, unit=None, **kwargs):
    person = PersonFactory(unit=unit, **kwargs)
    RoleAssignment.objects.create(user=person, role=role, unit=unit)
    return person


# Where an application with a status other than 审核中 stands, and the decision that took it there.
AT = {S.ACCEPTED: ("committee_result", None), S.PASSED: ("bureau_confirm", None),
      S.FAILED: ("", ("committee_result", "result_fail")), S.CONFIRMED: ("", ("bureau_confirm", "confirm")),
      S.RETURNED: ("", "return"), S.TERMINATED: ("", "terminate")}


def decided(application, stage: str, decision: str) -> None:
    """A decision row (and its flow step) at `stage`, as the desk would have written it: what a desk has seen."""
    spec = stages().get(stage)
    entry = flow_write(subject_type="application", subject_id=application.pk, actor=None,
                       role=Role(spec.role).label, action=decision, label=spec.decisions[decision].label,
                       stage=stage)
    Decision.objects.create(subject_type="application", subject_id=application.pk, stage=stage, decision=decision,
                            role=spec.role, entry=entry)


def passed_on(application, *, to: str) -> None:
    """Move a filed application on to stage `to`, every stage of its chain before it decided 通过 (written
    directly: the decisions themselves are tested through the engine)."""
    order = chain.stages_of(application)
    for stage in order[:order.index(to)]:
        if not Decision.objects.filter(subject_type="application", subject_id=application.pk, stage=stage).exists():
            decided(application, stage, next(iter(stages().get(stage).decisions)))
    Application.objects.filter(pk=application.pk).update(stage=to, status=stages().get(to).status)


def filed(org, *, person=None, name="林芳", unit=None, plan=None, stage="unit", level="副高", series="工程技术",
          status=S.SUBMITTED, **fields) -> Application:
    """An application filed by a new (or given) person of `unit` and standing at `stage` (审核中) or where its
    `status` puts it: every earlier stage of its chain decided (a returned or terminated one at `stage`). Written
    directly (the applicant's pages are tested in tests/applications)."""
    unit = unit or org.unit
    plan = plan or org.plan
    person = person or PersonFactory(unit=unit, name=name, series=series)
    at, last = AT.get(status, (stage, None))
    application = Application(applicant=person, plan=plan, unit=unit, series=series, level=level,
                              submitted_at=timezone.now(), node_since=timezone.now(), status=status, stage=at,
                              **fields)
    application.save()
    application.snapshot = snapshot_build(application)
    application.save(update_fields=["snapshot"])
    order = chain.stages_of(application)
    if isinstance(last, str):  # returned or terminated at `stage`
        last = (stage, last)
    upto = at or (last[0] if last else "")
    for key in order[:order.index(upto)] if upto in order else []:
        decided(application, key, next(iter(stages().get(key).decisions)))
    if last:
        decided(application, *last)
    return application


def proof(name="公示证明.jpg"):
    return check_upload(scan_upload(name), PROOF)


def recommendation(org, *, takes=True, note="", opinion="同意推荐。", publicity=None):
    start, end = publicity or org.publicity
    return chain.Recommendation(publicity_from=start, publicity_to=end, opinion=opinion, takes_vacancy=takes,
                                vacancy_note=note)


def unit_approve(org, application, *, clerk=None, takes=True, note=""):
    return chain.decide(actor=clerk or org.clerk, stage="unit", pk=application.pk, decision="approve",
                        recommendation=recommendation(org, takes=takes, note=note), proofs=[proof()])


def position(application) -> str:
    """Where the application is: its desk's name while 审核中 (the committee office's: committee), else its
    status."""
    if application.status != S.SUBMITTED:
        return application.status
    return stages().desk_of(application.stage).key


def walk(org, application, *, to: str):
    """Decide through the services, from wherever the application is, until it stands at `to`: a node, or
    "accepted", "passed", "confirmed" (through the committee office and the bureau)."""
    for _ in range(8):
        application.refresh_from_db()
        here = position(application)
        if here == to:
            return application
        if here == "unit":
            unit_approve(org, application)
        elif here in ("department", "bureau"):
            actor = org.reviewer if here == "department" else org.bureau
            chain.decide(actor=actor, stage=here, pk=application.pk, decision="approve", opinion="同意")
        elif here == "committee":
            chain.committee_accept(actor=org.committee, pk=application.pk, accepted_on=timezone.localdate())
        elif here == "accepted":
            chain.committee_result(actor=org.committee, pk=application.pk, passed=True, opinion="表决通过")
        elif here == "passed":
            chain.confirm(actor=org.bureau, pk=application.pk)
        else:
            break
    raise AssertionError(f"cannot walk from {position(application)} to {to}")


def state(application) -> tuple:
    """What a refused action must leave alone."""
    a = Application.objects.get(pk=application.pk)
    quota = PostQuota.objects.filter(unit=a.unit, year=a.plan.year).first()
    return (a.status, a.stage, a.claimed_by_id, a.vacancy_level, a.recommendation, a.certificate_no,
            a.committee_accepted_at, quota.associate_taken if quota else None,
            FlowEntry.objects.filter(subject_type="application", subject_id=a.pk).count(),
            Decision.objects.filter(subject_type="application", subject_id=a.pk).count())


def review_url(node, application) -> str:
    return reverse("chain:review", args=[node, application.pk])


def page_errors(response) -> str:
    return response.content.decode()


def resubmit(application):
    """What application_submit does after its pre-check (tested with a complete application in test_returns):
    filed again, the chain starts at its first stage."""
    application.refresh_from_db()
    application.submit()
    chain.chain_enter(application)
    application.save()
    return application


def race(calls: list) -> list:
    """Run each call in its own thread, released together by a barrier; a thread waits for the database's write
    lock as production does (tests.concurrency) and closes its connection at the end."""
    import threading

    from django.db import connection

    from tests.concurrency import waiting_for_the_lock

    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i):
        try:
            barrier.wait(timeout=20)
            outcomes[i] = waiting_for_the_lock(calls[i])
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def passed_in_bulk(org, n: int, *, series="工程技术", level="副高", tag="P") -> list[int]:
    """`n` applications the committee has passed, each of its own applicant, written in two bulk inserts."""
    from accounts.models import User

    people = User.objects.bulk_create([
        User(username=f"{tag}{i:06d}", name=f"批量申报人{i}", kind=User.Kind.PERSON, unit=org.unit,
             registration=User.Registration.APPROVED, password="!") for i in range(n)])
    rows = Application.objects.bulk_create([
        Application(applicant=p, plan=org.plan, unit=org.unit, series=series, level=level, status=S.PASSED,
                    stage="bureau_confirm", submitted_at=timezone.now(), committee_accepted_at=timezone.localdate(),
                    snapshot={})
        for p in people])
    if rows and rows[0].pk is None:  # backends without RETURNING on bulk inserts
        return list(Application.objects.filter(applicant__in=people).values_list("pk", flat=True))
    return [a.pk for a in rows]


def defence_template_fill(workbook, arrangements: dict) -> None:
    """Write {application pk: [学科组, 答辩日期, 答辩时间, 答辩地点, 答辩序号, 备注]} (None: a blank cell) into the
    rows of those applications in a downloaded 答辩安排 template (an openpyxl workbook)."""
    sheet = workbook.worksheets[0]
    for line in range(2, sheet.max_row + 1):
        number = sheet.cell(row=line, column=1).value
        if number and int(number) in arrangements:
            for offset, value in enumerate(arrangements[int(number)]):
                sheet.cell(row=line, column=6 + offset, value=value)
