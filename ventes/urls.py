app_name = "ventes"

urlpatterns: list = []
