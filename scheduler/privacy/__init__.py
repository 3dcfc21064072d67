"""What the office holds about one contact, and erasing it (PIPL / PIPA duties).

`report` gathers everything that references a contact (profile, meetings and answers,
delegations, mail, feeds, audit entries, outcomes and follow-ups naming them); `erasure`
replaces their personal data by a pseudonym while the rows that count them stay.
The package sits above every package holding such data, so it alone knows all of them.
"""
