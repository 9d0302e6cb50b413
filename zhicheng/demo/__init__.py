"""The demo data set (`manage.py seed_demo`): units, people, dossiers, plans and an application. It writes through
every app's services, so it lives in the project package, above them all."""
