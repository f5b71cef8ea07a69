"""Believable text in five languages, made from small word lists (no data files).

English, German, Spanish and Persian write most of the seeded site; a little Japanese
and Chinese show up too. Every function takes the caller's `random.Random`, so the same
seed writes the same words.
"""

from __future__ import annotations

import random
from html import escape


def _words(text: str) -> list[str]:
    return text.split()


# One language per entry: (code, share of people, words, sentence end, word separator).
ENGLISH = _words(
    "the a small old new quiet bright garden library river kitchen market train city "
    "window book recipe bread coffee telescope bicycle mountain winter summer evening "
    "morning friend neighbour story question answer idea project server keyboard song "
    "photo map village harbour forest cloud planet lantern zeppelin walk read cook build "
    "share find try fix learn notice wonder bake plant repair measure carry today slowly "
    "again almost really honestly probably always never sometimes"
)
GERMAN = _words(
    "der die das ein eine kleine alte neue ruhige helle Garten Bibliothek Fluss Küche "
    "Markt Zug Stadt Fenster Buch Rezept Brot Kaffee Fernrohr Fahrrad Berg Winter Sommer "
    "Abend Morgen Freund Nachbarin Geschichte Frage Antwort Idee Projekt Tastatur Lied "
    "Foto Karte Dorf Hafen Wald Wolke Laterne Straßenbahn gehen lesen kochen bauen teilen "
    "finden versuchen reparieren lernen backen pflanzen messen heute langsam wieder fast "
    "wirklich ehrlich wahrscheinlich immer nie manchmal über für mit"
)
SPANISH = _words(
    "el la un una pequeño viejo nuevo tranquilo claro jardín biblioteca río cocina "
    "mercado tren ciudad ventana libro receta pan café telescopio bicicleta montaña "
    "invierno verano tarde mañana amigo vecina historia pregunta respuesta idea proyecto "
    "servidor teclado canción foto mapa pueblo puerto bosque nube farol caminar leer "
    "cocinar construir compartir encontrar probar arreglar aprender hornear plantar medir "
    "hoy despacio otra casi realmente siempre nunca también según después"
)
PERSIAN = _words(
    "کتاب باغ رودخانه آشپزخانه بازار قطار شهر پنجره دستور نان قهوه تلسکوپ دوچرخه کوه "
    "زمستان تابستان عصر صبح دوست همسایه داستان پرسش پاسخ ایده پروژه سرور صفحه‌کلید آهنگ "
    "عکس نقشه روستا بندر جنگل ابر فانوس کوچک قدیمی تازه آرام روشن امروز دوباره واقعاً "
    "همیشه هرگز گاهی خواندن پختن ساختن یافتن آموختن می‌خوانم می‌پزم درباره برای با از"
)
JAPANESE = _words(
    "図書館 庭 川 台所 市場 電車 街 窓 本 料理 パン コーヒー 望遠鏡 自転車 山 冬 夏 夜 朝 "
    "友達 物語 質問 答え 写真 地図 村 港 森 雲 今日 ゆっくり また"
)
CHINESE = _words(
    "图书馆 花园 河流 厨房 市场 火车 城市 窗户 书 食谱 面包 咖啡 望远镜 自行车 山 冬天 夏天 "
    "晚上 早上 朋友 故事 问题 回答 照片 地图 村庄 港口 森林 云"
)

LANGUAGES = {
    # code: (weight, words, full stop, separator between words)
    "en": (45, ENGLISH, ".", " "),
    "de": (20, GERMAN, ".", " "),
    "es": (20, SPANISH, ".", " "),
    "fa": (12, PERSIAN, ".", " "),
    "ja": (2, JAPANESE, "。", ""),
    "zh": (1, CHINESE, "。", ""),
}
LANGUAGE_CODES = list(LANGUAGES)
LANGUAGE_WEIGHTS = [LANGUAGES[code][0] for code in LANGUAGE_CODES]
# The interface speaks en, de, es and fa; Japanese and Chinese writers read it in English.
UI_LOCALES = {"en": "en", "de": "de", "es": "es", "fa": "fa", "ja": "en", "zh": "en"}
TIMEZONES = {
    "en": ["Europe/London", "America/New_York", "America/Los_Angeles", "Australia/Sydney"],
    "de": ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich"],
    "es": ["Europe/Madrid", "America/Mexico_City", "America/Bogota"],
    "fa": ["Asia/Tehran"],
    "ja": ["Asia/Tokyo"],
    "zh": ["Asia/Shanghai"],
}

# A word that exists only in seeded text, for tests and for trying the search.
MARKER_WORD = "zeppelin"

FIRST_NAMES = {
    "en": "Alice Ben Chloe Daniel Emily Frank Grace Henry Isla Jack Kate Liam Mia Noah",
    "de": "Anna Bernd Clara Dieter Elke Felix Greta Hans Ingrid Jonas Katrin Lukas",
    "es": "Ana Bruno Carmen Diego Elena Fernando Gloria Hugo Inés Javier Lucía Marta",
    "fa": "آرش بهار پریسا داریوش رویا سارا شیرین کاوه مریم نیما یاسمن فرید",
    "ja": "陽子 健太 さくら 翔 美咲 大輔",
    "zh": "李明 王芳 张伟 刘洋 陈静",
}
LAST_NAMES = {
    "en": "Smith Jones Taylor Brown Wilson Evans Thomas Roberts Walker Wright",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann",
    "es": "García Martínez López Sánchez Pérez Gómez Ruiz Díaz Moreno Álvarez",
    "fa": "رحیمی احمدی کریمی حسینی محمدی رضایی",
    "ja": "",
    "zh": "",
}
# Latin spellings for usernames ([A-Za-z0-9_] only).
HANDLES = _words(
    "alex sam robin kim max lee jo toni pat ari noor sasha remi yuki mina luca nico "
    "dara sol ren kai ezra ivy juno leo mira nils omar pia quinn rosa tom uma vera wim"
)

TOPICS = [
    # (name stem, title, language of the title)
    ("books", "Books & Reading", "en"),
    ("cooking", "Home Cooking", "en"),
    ("selfhosted", "Self-hosting", "en"),
    ("astronomy", "Amateur Astronomy", "en"),
    ("cycling", "Cycling", "en"),
    ("gardening", "Gardening", "en"),
    ("music", "Music", "en"),
    ("photography", "Photography", "en"),
    ("programming", "Programming", "en"),
    ("travel", "Travel", "en"),
    ("kochen", "Kochen & Backen", "de"),
    ("buecher", "Bücherecke", "de"),
    ("fahrrad", "Fahrrad", "de"),
    ("cocina", "Cocina casera", "es"),
    ("libros", "Libros", "es"),
    ("viajes", "Viajes", "es"),
    ("ketab", "کتاب‌خوانی", "fa"),
    ("ashpazi", "آشپزی", "fa"),
    ("nihongo", "日本語の本", "ja"),
    ("zhongwen", "中文读书会", "zh"),
]

TAGS = {
    "en": "python linux recipes bread sci-fi fantasy telescopes moon road-bikes tomatoes "
    "jazz film-photography rust travel-tips coffee privacy",
    "de": "brot kuchen bücher fahrradtouren garten",
    "es": "recetas novela viajes café",
    "fa": "کتاب آشپزی شعر",
    "ja": "読書 写真",
    "zh": "读书",
}


def language(rng: random.Random) -> str:
    """A language code, English most often."""
    return rng.choices(LANGUAGE_CODES, LANGUAGE_WEIGHTS)[0]


def sentence(rng: random.Random, lang: str, low: int = 5, high: int = 14) -> str:
    """One sentence of `low`..`high` words in `lang`."""
    _weight, words, stop, sep = LANGUAGES[lang]
    text = sep.join(rng.choices(words, k=rng.randint(low, high)))
    return (text[:1].upper() + text[1:] if sep else text) + stop


def title(rng: random.Random, lang: str) -> str:
    """A post title: a short sentence, sometimes a question."""
    text = sentence(rng, lang, 3, 9)[:-1]
    if rng.random() < 0.25:
        text += "؟" if lang == "fa" else "?"
    return text


def paragraphs(rng: random.Random, lang: str, low: int, high: int) -> list[str]:
    """Between `low` and `high` paragraphs of one to four sentences."""
    sep = LANGUAGES[lang][3] or ""
    return [
        (sep or "").join(sentence(rng, lang) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(low, high))
    ]


def body(rng: random.Random, lang: str, low: int = 1, high: int = 4) -> tuple[str, str]:
    """(body_html, body_text) as the sanitizer would store them for plain paragraphs."""
    parts = paragraphs(rng, lang, low, high)
    html = "".join(f"<p>{escape(part, quote=False)}</p>" for part in parts)
    return html, "\n".join(parts)


def comment(rng: random.Random, lang: str) -> tuple[str, str]:
    """A comment body: usually one short paragraph."""
    return body(rng, lang, 1, 2 if rng.random() < 0.2 else 1)


def person(rng: random.Random, lang: str) -> tuple[str, str]:
    """(display name, Latin handle stem) for someone writing in `lang`."""
    first = rng.choice(FIRST_NAMES[lang].split())
    last_names = LAST_NAMES[lang].split()
    name = f"{first} {rng.choice(last_names)}" if last_names else first
    return name, rng.choice(HANDLES)


class Pool:
    """Ready-made paragraphs and comment bodies per language, drawn once: a post or
    comment picks from them instead of writing every sentence word by word (several
    times faster, and a million bodies still differ enough for search and ranking)."""

    def __init__(self, rng: random.Random, paragraphs_per_language: int = 600):
        self.rng = rng
        self.paragraphs = {
            lang: paragraphs(rng, lang, paragraphs_per_language, paragraphs_per_language)
            for lang in LANGUAGE_CODES
        }
        self.escaped = {
            lang: [f"<p>{escape(part, quote=False)}</p>" for part in parts]
            for lang, parts in self.paragraphs.items()
        }
        self.comments = {
            lang: [
                (self.escaped[lang][i], self.paragraphs[lang][i])
                for i in range(paragraphs_per_language)
            ]
            for lang in LANGUAGE_CODES
        }

    def body(self, lang: str, low: int = 1, high: int = 4) -> tuple[str, str]:
        """(body_html, body_text) of `low`..`high` paragraphs."""
        rng = self.rng
        size = len(self.paragraphs[lang])
        picks = [int(rng.random() * size) for _ in range(rng.randint(low, high))]
        html = "".join(self.escaped[lang][i] for i in picks)
        return html, "\n".join(self.paragraphs[lang][i] for i in picks)

    def comment(self, lang: str) -> tuple[str, str]:
        """A comment body: one paragraph, now and then two."""
        if self.rng.random() < 0.15:
            return self.body(lang, 2, 2)
        choices = self.comments[lang]
        return choices[int(self.rng.random() * len(choices))]


def tag_names() -> list[str]:
    """Every seeded tag name, most common languages first."""
    return [name for lang in LANGUAGE_CODES for name in TAGS[lang].split()]
