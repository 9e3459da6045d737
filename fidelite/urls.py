app_name = "fidelite"

urlpatterns: list = []
