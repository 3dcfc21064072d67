"""Statistics with charts, the printable annual report and the CSV/XLSX exports."""
