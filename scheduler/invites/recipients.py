"""Who a participant is, as far as mail is concerned: address, name, language and zone."""

from dataclasses import dataclass

from scheduler.i18n import person_name, user_name
from scheduler.sides import CHINA, OFFICE_ZONE, zone_of_language


@dataclass(frozen=True)
class Recipient:
    """One mailbox to write to, in its owner's language and on its owner's clock."""

    email: str
    name: str
    language: str  # zh, ko or en
    timezone: str

    @property
    def key(self) -> str:
        """The address as compared and remembered: trimmed, lower-case."""
        return self.email.strip().lower()


def user_recipient(user) -> Recipient | None:
    """A staff account's mailbox, in the language they chose (Chinese by default)."""
    if not user.email:
        return None
    lang = user.locale or CHINA.language
    return Recipient(user.email, user_name(user, lang), lang, user.timezone)


def recipient_of(participant) -> Recipient | None:
    """The participant's mailbox, or None when they have no e-mail (skipped, with a note)."""
    if participant.user is not None:
        return user_recipient(participant.user)
    if participant.contact is not None:
        contact = participant.contact
        if not contact.email:
            return None
        name = person_name(contact, contact.language)
        return Recipient(contact.email, name, contact.language, contact.timezone)
    zone = zone_of_language(participant.guest_language, default=OFFICE_ZONE)
    name = participant.guest_name or participant.guest_email
    return Recipient(participant.guest_email, name, participant.guest_language, zone)
