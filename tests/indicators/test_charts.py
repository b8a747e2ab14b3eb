"""The SVG charts are pure functions: valid XML, accessible, escaped, with their values as text."""

from xml.etree import ElementTree

from indicators.charts import percent, rate_bars, stacked_categories, trajectory, trend_lines

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup):
    root = ElementTree.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def _texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def test_percent_in_french():
    assert percent(10 / 17) == "58,8 %"
    assert percent(0) == "0,0 %"
    assert percent(1) == "100,0 %"
    assert percent(None) == "pas de taux"


def test_rate_bars():
    markup = rate_bars(
        [2008, 2009],
        [("Officiel", [0.5, 10 / 17]), ("URIAE", [None, 10 / 13])],
        {"objectif dynamique": 0.6},
        title="Taux de l'EI « Nord » & cie",
    )
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == "Taux de l'EI « Nord » & cie"
    desc = root.find(f"{SVG}desc").text
    assert "Officiel : 2008 50,0 %, 2009 58,8 %" in desc
    assert "URIAE : 2008 pas de taux, 2009 76,9 %" in desc
    assert "objectif objectif dynamique : 60,0 %" in desc
    texts = _texts(root)
    assert {"2008", "2009", "50", "59", "77", "n.d.", "objectif dynamique 60,0 %", "Officiel", "URIAE"} <= set(texts)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(bars) == 3  # the missing rate draws no bar
    heights = sorted(float(bar.get("height")) for bar in bars)
    assert heights[0] < heights[1] < heights[2]
    assert [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]  # the target


def test_text_is_escaped():
    markup = rate_bars([2009], [("<script>alert(1)</script>", [0.5])], title='"><svg onload=alert(1)>')
    assert "<script>" not in markup and "onload=alert(1)>" not in markup.replace("&gt;", "")
    root = _parse(markup)
    assert root.find(f"{SVG}title").text == '"><svg onload=alert(1)>'
    assert "<script>alert(1)</script>" in _texts(root)


def test_trend_lines_leave_gaps():
    root = _parse(
        trend_lines(
            [2005, 2006, 2007, 2008, 2009],
            [("Officiel", [0.4, 0.5, None, 0.6, 0.7]), ("Durable", [None, None, None, None, 0.2])],
            {"objectif durable": 0.25},
            title="Évolution",
        )
    )
    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 2  # 2005-2006 and 2008-2009; a single point draws no line
    assert len(list(root.iter(f"{SVG}circle"))) == 5
    assert "Officiel : 2005 40,0 %, 2006 50,0 %, 2007 pas de taux" in root.find(f"{SVG}desc").text


def test_trend_lines_single_year_and_no_series():
    _parse(trend_lines([2009], [("Officiel", [0.5])], title="Une année"))
    _parse(trend_lines([2009], [], title="Aucune série"))


def test_stacked_categories():
    categories = [("durable", "Durable"), ("other", "Autre")]
    root = _parse(
        stacked_categories([("2008", {"durable": 3, "other": 1}), ("2009", {})], categories, title="Catégories")
    )
    assert root.find(f"{SVG}desc").text == "2008 : Durable 3, Autre 1; 2009 : Durable 0, Autre 0"
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [segment.find(f"{SVG}title").text for segment in segments] == ["2008 · Durable : 3", "2008 · Autre : 1"]
    assert float(segments[0].get("width")) == 3 * float(segments[1].get("width"))
    assert "aucune sortie" in _texts(root)
    assert "3" in _texts(root)


def test_each_chart_has_its_own_ids():
    first = _parse(trend_lines([2009], [], title="A"))
    second = _parse(trend_lines([2009], [], title="B"))
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_trajectory_draws_actual_against_objective():
    markup = trajectory(
        [2007, 2008, 2009],
        [
            ("Taux de sortie dynamique", [0.75, None, 0.5], [0.6, 0.6, 0.62]),
            ("Emploi durable", [0.3, 0.2, None], [None, 0.25, 0.25]),
        ],
        title="Trajectoire de l'EI « Nord »",
        partial_years={2009},
    )
    root = _parse(markup)
    assert root.get("viewBox") == "0 0 640 310"
    assert "style" not in markup  # the CSP forbids inline styles: presentation attributes only
    assert root.find(f"{SVG}title").text == "Trajectoire de l'EI « Nord »"
    assert root.find(f"{SVG}desc").text == (
        "Taux de sortie dynamique : 2007 réalisé 75,0 % pour un objectif de 60,0 %, 2008 réalisé pas de taux pour un "
        "objectif de 60,0 %, 2009 (en cours) réalisé 50,0 % pour un objectif de 62,0 %; Emploi durable : 2007 "
        "réalisé 30,0 % sans objectif, 2008 réalisé 20,0 % pour un objectif de 25,0 %, 2009 (en cours) réalisé pas de "
        "taux pour un objectif de 25,0 %."
    )
    texts = _texts(root)
    assert {"2007", "2008", "2009 (en cours)", "75", "50", "30", "20", "réalisé (valeur en %)", "objectif"} <= set(
        texts
    )
    dashed = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray")]
    solid = [p for p in root.iter(f"{SVG}polyline") if not p.get("stroke-dasharray")]
    # Objectives: 2007-2009 and 2008-2009; actuals: only durable 2007-2008 is a run of two.
    assert (len(dashed), len(solid)) == (2, 1)
    circles = list(root.iter(f"{SVG}circle"))
    assert [c.find(f"{SVG}title").text for c in circles] == [
        "Taux de sortie dynamique 2007 : réalisé 75,0 %",
        "Taux de sortie dynamique 2009 (en cours) : réalisé 50,0 %",
        "Emploi durable 2007 : réalisé 30,0 %",
        "Emploi durable 2008 : réalisé 20,0 %",
    ]
    assert circles[1].get("fill") == "#ffffff"  # the year to date is hollow
    assert circles[0].get("fill") != "#ffffff"
    squares = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(squares) == 5
    # The higher rate is drawn higher (SVG y grows downwards).
    assert float(circles[0].get("cy")) < float(circles[1].get("cy"))


def test_trajectory_of_one_year_and_escaped_labels():
    markup = trajectory([2010], [("<b>Officiel</b>", [None], [0.6])], title="<script>")
    assert "<b>" not in markup and "<script>" not in markup
    root = _parse(markup)
    assert "<b>Officiel</b>" in _texts(root)
    assert not list(root.iter(f"{SVG}polyline"))
