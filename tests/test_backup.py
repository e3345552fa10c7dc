"""A backup restores to exactly the data it was taken from, on both databases."""

from sqlalchemy import select, text

from community import services
from core.extensions import db


def snapshot_every_table() -> dict[str, list]:
    return {
        table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


def test_backup_and_restore_round_trip_a_seeded_database(runner, tmp_path):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = snapshot_every_table()
    assert sum(len(rows) for rows in before.values()) > 50

    backup = tmp_path / "guildhall.backup"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0

    # Damage the live database after the backup.
    pm = services.get_community_by_slug("project-managers")
    pm.description = "changed after the backup"
    db.session.execute(text("DELETE FROM channel_snapshots"))
    db.session.commit()
    db.session.remove()

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert snapshot_every_table() == before


def test_backup_to_an_unwritable_place_fails_in_one_line(runner):
    result = runner.invoke(args=["backup", "/proc/guildhall.backup"])
    assert result.exit_code == 1 and "Backup failed" in result.output
    assert "Traceback" not in result.output
