app_name = "parc"

urlpatterns: list = []
