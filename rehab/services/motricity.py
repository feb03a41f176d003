"""The clinic's Motricity Index convention for a zero sum (clinical reference §13.5, §13.15 item 8).

Arm and leg scores are the sum of the three weighted items + 1, so a full 99 is reported as 100 (MI score
sheet [R83]). Whether the +1 is added to a sum of 0 is UNVERIFIED (the sources' ranges read 0–99 and 0–100),
so a zero sum is reported as 0 until an administrator signs off the other convention here. The raw sum is kept
with every result either way.
"""

from __future__ import annotations

from sqlalchemy import Connection

from rehab.domain.measures.neuro import MI_ZERO_SETTING
from rehab.services import settings as clinic_settings
from rehab.services.context import Actor
from rehab.store import Database

HELP = (
    "Motricity Index arm and leg scores are the sum of the three items + 1, so a full 99 is reported as 100 "
    "(MI score sheet, SRALAB [R83]). The sources disagree on whether a sum of 0 gets the +1 (ranges 0–99 and "
    "0–100; clinical reference §13.15 item 8, UNVERIFIED), so a zero sum is reported as 0 unless the clinic "
    "signs off reporting it as 1. The raw sum is kept with every result."
)


def zero_plus_one_in(conn: Connection) -> tuple[bool, int]:
    """Whether a raw sum of 0 is reported as 1 (off by default), and the setting's version (0: never set)."""
    return clinic_settings.switch_in(conn, MI_ZERO_SETTING)


def zero_plus_one(db: Database) -> tuple[bool, int]:
    return db.run(zero_plus_one_in, write=False)


def save_zero_plus_one(db: Database, actor: Actor, on: bool, *, expected_version: int) -> int:
    """Sign the zero-sum convention on or off for the clinic (administrators), as a new version of the setting."""
    return clinic_settings.save_switch(
        db,
        actor,
        name=MI_ZERO_SETTING,
        name_of="Motricity Index zero sum reported as 1",
        on=on,
        expected_version=expected_version,
    )
