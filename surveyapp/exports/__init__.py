"""Writing exports safely: spreadsheet-formula neutralising, streamed CSV and XLSX."""
