from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "practica.documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Fail fast at start-up on a malformed PRACTICA_DOCUMENT_KEYS rather
        # than at the first upload or download.
        from practica.documents.encryption import (
            keyring,  # needs settings and the app registry
        )

        keyring()
