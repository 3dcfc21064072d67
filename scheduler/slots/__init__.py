"""Finding a time: the slot search that reads people, hours, holidays and bookings from the
database and hands them to the pure slot finder (`scheduler.availability.slots`); its page
("find a time") and its command (`flask slots`)."""
