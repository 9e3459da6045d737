"""The article catalogue: what an asset is an instance of."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class ArticleFamily(TenantModel):
    """A family of articles, or a sub-family when it has a parent."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("famille"),
    )

    class Meta:
        verbose_name = _("famille d'articles")
        verbose_name_plural = _("familles d'articles")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="articlefamily_code_unique")]

    def __str__(self) -> str:
        return self.label


class Brand(TenantModel):
    name = models.CharField(_("marque"), max_length=60)

    class Meta:
        verbose_name = _("marque")
        verbose_name_plural = _("marques")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="brand_name_unique")]

    def __str__(self) -> str:
        return self.name


class Article(TenantModel):
    code = models.CharField(_("code article"), max_length=30)
    label = models.CharField(_("libellé"), max_length=150)
    business_line = models.ForeignKey(
        "crm.BusinessLine", on_delete=models.PROTECT, related_name="+", verbose_name=_("activité article")
    )
    family = models.ForeignKey(
        ArticleFamily,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("famille"),
    )
    sub_family = models.ForeignKey(
        ArticleFamily,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sous-famille"),
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("marque")
    )
    model = models.CharField(_("modèle"), max_length=80, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="article_code_unique")]
        indexes = [models.Index(fields=["tenant", "business_line"], name="article_bl_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"
