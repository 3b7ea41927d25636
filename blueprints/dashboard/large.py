"""The dashboard's part of `flask seed-large`: the kept demand counts, after the bulk load."""

from blueprints.common.large import large_seeder


@large_seeder(order=905, name="kept demand counts")
def _large_demand(ctx) -> None:
    from blueprints.dashboard.demand import rebuild

    rebuild()
