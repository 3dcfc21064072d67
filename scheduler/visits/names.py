"""The names of the people of a visit: shown in the reader's script first, and split into
family and given names when a guest becomes a contact.

A guest is typed as whole names, family name first (김민수, 金敏洙, KIM Minsu): that is how a
delegation list arrives. A contact keeps family and given names apart, so promotion splits.
"""

from scheduler.i18n import person_name, user_name

# Which of a guest's names a reader sees first: their own script, then the other, then Latin.
_READING_ORDER = {
    "zh": ("name_zh", "name_ko", "name_latin"),
    "ko": ("name_ko", "name_zh", "name_latin"),
    "en": ("name_latin", "name_ko", "name_zh"),
}
# Two-syllable family names; every other Korean or Chinese family name has one character.
_LONG_FAMILY_NAMES = frozenset(
    ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방")
    + ("南宫", "皇甫", "诸葛", "鲜于", "独孤", "司空", "西门", "东方", "欧阳", "司马", "上官")
)


def member_name(member, lang: str) -> str:
    """The person's name in *lang*'s script when there is one, else in another script."""
    if member.contact is not None:
        return person_name(member.contact, lang)
    if member.user is not None:
        return user_name(member.user, lang)
    order = _READING_ORDER.get(lang, _READING_ORDER["en"])
    return next((getattr(member, field) for field in order if getattr(member, field)), "")


def passport_name(member) -> str:
    """The Latin spelling as in the passport, family name first (``KIM Minsu``); empty for
    staff, whose passports this app does not know."""
    contact = member.contact
    if contact is not None:
        if contact.erased_at is not None:
            return ""
        return " ".join(p for p in (contact.romanized_family.upper(), contact.romanized_given) if p)
    return member.name_latin if member.user is None else ""


def split_east_asian(name: str) -> tuple[str, str]:
    """A Hangul or Hanzi name, family name first, as (family, given): 김민수 → 김, 민수;
    남궁현 → 남궁, 현 (the known two-character family names); a typed space decides."""
    name = name.strip()
    if " " in name:
        family, given = name.split(" ", 1)
        return family, given.replace(" ", "")
    width = 2 if len(name) >= 3 and name[:2] in _LONG_FAMILY_NAMES else 1
    return name[:width], name[width:]


def split_latin(name: str) -> tuple[str, str]:
    """A passport spelling as (family, given). The family name is the word in capitals when
    the others are not (``Minsu KIM``, ``KIM Minsu``), otherwise the first word, as passports
    and delegation lists write it (``Kim Min-su``)."""
    words = name.split()
    if not words:
        return "", ""
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    if capitals and len(capitals) < len(words):
        return " ".join(capitals), " ".join(w for w in words if w not in capitals)
    return words[0], " ".join(words[1:])
