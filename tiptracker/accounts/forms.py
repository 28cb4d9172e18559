from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "govuk-input"}
        ),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class EmailForm(forms.Form):
    """The sign-in page's first question: the address decides how the person signs in."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input"}
        ),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example: nightly HR export script",
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you sign in with",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input"}
        ),
    )


class ChoosePasswordForm(forms.Form):
    """A new account's first password, from an invitation's link."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 characters. A few unrelated words together are strong and easy to remember.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "govuk-input"}),
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "govuk-input"}),
        error_messages={"required": "Type the password again"},
    )

    def __init__(self, *args, email: str, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):  # type: ignore[no-untyped-def]
        from django.contrib.auth import get_user_model, password_validation

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match")
        elif first:
            # Checked against the address too (not a password that is the e-mail address).
            person = get_user_model()(username=self.email, email=self.email)
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        help_text="The 6-digit code your app shows now, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app"},
    )


class SetUpForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="The 6-digit code the app shows after you add the key",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )
