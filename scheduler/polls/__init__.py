"""Time polls: staff propose candidate times for a draft meeting, the people asked answer
through a signed link on their own clock, and closing the poll books the chosen time."""
