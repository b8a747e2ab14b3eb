from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Attention : le mot de passe distingue les majuscules "
            "des minuscules."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'administrateur du portail.",
    }


class DigestPreferenceForm(forms.ModelForm):
    """The account page's one setting: whether the weekly digest (advisors and agents) is sent."""

    class Meta:
        model = User
        fields = ["receives_digest"]
        labels = {"receives_digest": "Recevoir le récapitulatif hebdomadaire par e-mail"}
        help_texts = {
            "receives_digest": "Chaque semaine : les dossiers transmis, les nouveaux signaux des structures à "
            "suivre et les dossiers en retard de votre périmètre. Rien n'est envoyé quand il n'y a rien à dire."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))
