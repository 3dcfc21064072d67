"""The calendar pages: agenda, week and month grids of the meetings in the viewer's zone with
both countries' holidays marked (`grid`, pure), their views, and one meeting as an .ics file."""
