"""Who a participant is, as far as mail is concerned: address, name, language and zone."""

from dataclasses import dataclass

from scheduler.i18n import localized, person_name, user_name
from scheduler.sides import CHINA, OFFICE_ZONE, zone_of_language


@dataclass(frozen=True)
class Recipient:
    """One mailbox to write to, in its owner's language and on its owner's clock."""

    email: str
    name: str
    language: str  # zh, ko or en
    timezone: str
    title: str = ""  # a contact's job title in their language, for the salutation
    staff: bool = False  # one of our own staff: addressed as a colleague
    partner_side: bool = False  # a contact of a (Korean) partner

    @property
    def key(self) -> str:
        """The address as compared and remembered: trimmed, lower-case."""
        return self.email.strip().lower()


def user_recipient(user) -> Recipient | None:
    """A staff account's mailbox, in the language they chose (Chinese by default)."""
    if not user.email:
        return None
    lang = user.locale or CHINA.language
    return Recipient(user.email, user_name(user, lang), lang, user.timezone, staff=True)


def contact_title(contact, lang: str) -> str:
    """The contact's job title in *lang*, or "" (a salutation without one).

    Never a title in another script than the mail's: "尊敬的金民俊과장" or "Dear 과장 Kim" would
    be worse than the title-less form. Contacts keep titles in Chinese and Korean only, so an
    English mail gets a title only once contacts have an English one (``title_en``)."""
    return getattr(contact, f"title_{lang}", "") or ""


def mail_name(contact, lang: str) -> str:
    """The contact's name as a mail in *lang* addresses them. A Korean mail to someone with
    no Hangul name uses the romanized name before the Hanzi one (Hangul, Latin, Hanzi)."""
    if lang == "ko" and not contact.family_name_ko and contact.romanized_family:
        return person_name(contact, "en")
    return person_name(contact, lang)


def reader_text(obj, field: str, recipient: Recipient) -> str:
    """*obj*'s *field* (title, location, agenda) in the recipient's language; when missing,
    a partner's English reader gets the Korean text before the Chinese (partners are Korean),
    everyone else falls back as `localized` does."""
    return localized(obj, field, recipient.language, partner_side=recipient.partner_side)


def recipient_of(participant) -> Recipient | None:
    """The participant's mailbox, or None when they have no e-mail (skipped, with a note)."""
    if participant.user is not None:
        return user_recipient(participant.user)
    if participant.contact is not None:
        contact = participant.contact
        return recipient_of_contact(contact, contact.language) if contact.email else None
    zone = zone_of_language(participant.guest_language, default=OFFICE_ZONE)
    name = participant.guest_name or participant.guest_email
    return Recipient(participant.guest_email, name, participant.guest_language, zone)


def recipient_of_contact(contact, lang: str) -> Recipient:
    """The contact's mailbox, written to in *lang*, with their title for the salutation."""
    name = mail_name(contact, lang)
    title = " ".join(contact_title(contact, lang).split())
    return Recipient(contact.email, name, lang, contact.timezone, title=title, partner_side=True)
