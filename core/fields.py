"""Model fields for personal numbers: the value encrypted at rest (core.personal_data) and its blind index.

`EncryptedCharField` stores ciphertext text and gives the clear value back to Python; it validates and renders
like a CharField of its max_length. It cannot be searched: an exact lookup goes through the sibling
`BlindIndexField(source=...)`, which every save and bulk insert recomputes from the clear value. A filter on the
encrypted column itself raises FieldError (only '' and None, which are stored as they are, can be compared), so
a forgotten `filter(id_number=...)` fails loudly instead of finding nothing.
"""

import json

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, IsNull

from . import personal_data


class EncryptedCharField(models.CharField):
    description = "personal number, encrypted at rest"

    def get_internal_type(self):
        return "TextField"  # the ciphertext is longer than the clear value the max_length checks

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return personal_data.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return personal_data.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(f"{self.name} is encrypted: look it up through its blind index")


class EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is encrypted: look it up through its blind index")
        return self.rhs


class BlindIndexField(models.CharField):
    """The keyed hash of `source`'s clear value (None for no value), kept in step on every save."""

    description = "blind index of an encrypted field"

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("null", True), ("blank", True), ("editable", False)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = personal_data.blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_index_update_fields(model, update_fields):
    """`save(update_fields=...)` naming an encrypted field saves its blind index too."""
    if update_fields is None:
        return None
    names = set(update_fields)
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndexField) and field.source in names:
            names.add(field.name)
    return names


def blind_match(path: str, value: str | None) -> Q:
    """A filter for an exact match of an encrypted field (a related path such as "applicant__id_number" too),
    through its blind index; no value matches nothing."""
    if value is None or str(value).strip() == "":
        return Q(pk__in=[])
    return Q(**{f"{path}_bidx": personal_data.blind_index(str(value))})


class PersonalJSONField(models.JSONField):
    """A JSON document some of whose values are personal numbers (an application's snapshot: its account's ID
    number and phone): the values at `encrypted_paths` are stored encrypted, the rest as it is, and Python sees
    the clear document. A value stored before the field encrypted reads as it is, until a save or
    personal_data_rotate writes it again."""

    def __init__(self, *args, encrypted_paths=(), **kwargs):
        self.encrypted_paths = tuple(tuple(path) for path in encrypted_paths)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["encrypted_paths"] = [list(p) for p in self.encrypted_paths]
        return name, path, args, kwargs

    def get_prep_value(self, value):
        return super().get_prep_value(_rewrite_paths(value, self.encrypted_paths, personal_data.encrypt))

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return _rewrite_paths(value, self.encrypted_paths, _decrypt_stored)


def _decrypt_stored(value: str) -> str:
    return personal_data.decrypt(value) if personal_data.is_encrypted(value) else value


def _rewrite_paths(document, paths, change):
    """A copy of `document` with the string at each path changed (the document itself is left alone)."""
    if not isinstance(document, dict) or not paths:
        return document
    document = dict(document)
    for path in paths:
        parent, key = document, path[-1]
        for step in path[:-1]:
            if not isinstance(parent.get(step), dict):
                break
            parent[step] = dict(parent[step])
            parent = parent[step]
        else:
            if isinstance(parent.get(key), str) and parent[key]:
                parent[key] = change(parent[key])
    return document


class PersonalDataQuerySet(models.QuerySet):
    """`update()` naming an encrypted field sets its blind index too, as save() does."""

    def update(self, **kwargs):
        for field in self.model._meta.concrete_fields:
            if isinstance(field, BlindIndexField) and field.source in kwargs:
                kwargs[field.name] = personal_data.blind_index(kwargs[field.source])
        return super().update(**kwargs)

    def blind(self, path: str, value: str | None):
        """Exact match of an encrypted field through its blind index (see blind_match)."""
        return self.filter(blind_match(path, value))

    def by_id_number(self, value: str | None):
        """Exact match on the model's ID number, through its blind index (the column itself is encrypted)."""
        return self.blind("id_number", value)

    def by_phone(self, value: str | None):
        """Exact match on the model's phone, through its blind index."""
        return self.blind("phone", value)


def encrypted_tables() -> list[tuple[str, str, dict[str, str | None]]]:
    """(table, primary-key column, {encrypted column: its blind-index column or None}) of every installed model
    holding an encrypted field (historical tables included): what personal_data_rotate rewrites."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = model._meta.concrete_fields
        indexes = {f.source: f.column for f in fields if isinstance(f, BlindIndexField)}
        columns = {f.column: indexes.get(f.name) for f in fields if isinstance(f, EncryptedCharField)}
        if columns:
            tables.append((model._meta.db_table, model._meta.pk.column, columns))
    return tables


def rotate_json_fields(batch: int = 500) -> dict[str, dict[str, int]]:
    """personal_data_rotate for PersonalJSONFields: each document holding a value under another key than the
    current one is written again (so encrypted under the current key), in batches by primary key, each batch in
    its own transaction. Returns {table: {"rows": …, "changed": …}}."""
    current = personal_data.keyring().current_id
    report = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, PersonalJSONField):
                continue
            counts, last = {"rows": 0, "changed": 0}, None
            manager = model._base_manager
            while True:
                with transaction.atomic():
                    page = manager.select_for_update().order_by("pk")
                    if last is not None:
                        page = page.filter(pk__gt=last)
                    stored = list(page.annotate(_stored=Cast(field.name, TextField())).values_list("pk", "_stored")
                                  [:batch])
                    stale = [pk for pk, text in stored if _stale(text, field.encrypted_paths, current)]
                    rows = list(manager.filter(pk__in=stale))
                    manager.bulk_update(rows, [field.name])
                counts["rows"] += len(stored)
                counts["changed"] += len(rows)
                if not stored:
                    break
                last = stored[-1][0]
            report[f"{model._meta.db_table}.{field.column}"] = counts
    return report


def _stale(text: str | None, paths, current: str) -> bool:
    if not text:
        return False
    tokens = []
    _rewrite_paths(json.loads(text), paths, lambda value: tokens.append(value) or value)
    return any(not personal_data.is_encrypted(t) or personal_data.key_id(t) != current for t in tokens)
