from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Attention : le mot de passe distingue les majuscules "
            "des minuscules."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'administrateur du portail.",
    }
