from indicators.templatetags.indicators_tags import below, percent


def test_percent_rounds_and_speaks_french(settings):
    settings.LANGUAGE_CODE = "fr-fr"
    from django.utils import translation

    with translation.override("fr"):
        assert percent(1 / 6) == "16,7\u00a0%"
        assert percent(10 / 17) == "58,8\u00a0%"
        assert percent(0.0) == "0,0\u00a0%"
        assert percent(1.0) == "100,0\u00a0%"
        assert percent(None) == "pas de taux"


def test_below_target():
    assert below(0.59, 0.60)
    assert not below(0.60, 0.60)
    assert not below(None, 0.60)
