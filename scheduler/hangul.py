"""Korean particles chosen from the word they follow (이/가, 을/를, 은/는, 와/과, (으)로).

A particle written after a placeholder must match how the inserted word ends: after a final
consonant 이, 을, 은, 과, 으로; after a vowel 가, 를, 는, 와, 로; after ㄹ, 로 (not 으로). Korean
writers do not hedge with "을(를)" in official text, so the choice is made here.
"""

# (after a final consonant, after a vowel); (으)로 also takes 로 after ㄹ.
PAIRS = {
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
}
_FIRST, _LAST = 0xAC00, 0xD7A3  # the precomposed Hangul syllables
_RIEUL = 8  # index of ㄹ among the final consonants
# How digits are read in Korean (영 일 이 삼 사 오 육 칠 팔 구): the final sound of each.
_DIGIT_ENDS = {
    "0": "consonant", "1": "rieul", "2": "vowel", "3": "consonant", "4": "vowel",
    "5": "vowel", "6": "consonant", "7": "rieul", "8": "rieul", "9": "vowel",
}  # fmt: skip
# Latin words: read by their last letter the way Korean readers say them (Kim을, Seoul로).
_LATIN_ENDS = {"l": "rieul", "m": "consonant", "n": "consonant", "g": "consonant"}
_CLOSING = "\"'”’」』)）]】>》 ."


def final_sound(word: str) -> str:
    """'vowel', 'consonant' or 'rieul' (ends in ㄹ) for the last sound of *word*.

    Closing quotes and brackets are skipped (「회의」를 follows 의). A word whose ending cannot be
    read (Hanzi, emoji, nothing) counts as a vowel ending, the form that reads least oddly.
    """
    text = word.rstrip(_CLOSING)
    if not text:
        return "vowel"
    last = text[-1]
    if _FIRST <= ord(last) <= _LAST:
        final = (ord(last) - _FIRST) % 28
        return "vowel" if final == 0 else "rieul" if final == _RIEUL else "consonant"
    if last in _DIGIT_ENDS:
        return _DIGIT_ENDS[last]
    if last.isascii() and last.isalpha():
        return _LATIN_ENDS.get(last.lower(), "vowel")
    return "vowel"


def particle(word: str, which: str) -> str:
    """The form of particle *which* (either form: "을" or "를", "으로" or "로", …) after *word*."""
    after_consonant, after_vowel = PAIRS[which]
    sound = final_sound(word)
    if sound == "vowel" or (sound == "rieul" and after_consonant == "으로"):
        return after_vowel
    return after_consonant


def with_particle(word: str, which: str) -> str:
    """*word* followed by the right form of *which*: ``with_particle("서울", "으로")`` is 서울로.
    Registered as the Jinja filter ``josa``: ``{{ name|josa("을") }}``."""
    return f"{word}{particle(word, which)}"
