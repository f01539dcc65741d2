from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Registries: enterprises, platforms, talent, projects, achievements, algorithm products."""

    name = "luzhi.registry"
    label = "registry"
    verbose_name = _("登记库")

    def ready(self) -> None:
        # Registers this app's indicator functions with the indicators app.
        from luzhi.registry import indicators  # noqa: F401
