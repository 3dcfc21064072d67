"""Contacts in and out as CSV and XLSX: reading a file (`read`), checking and saving its rows
all or nothing (`rows`), writing the same columns back (`write`), and the pages (`views`)."""
