"""The staff file's columns (formats.md): the staff import reads them and the staff list
downloads in them, so that a list can be corrected in a spreadsheet and imported again."""

STAFF_FILE_REQUIRED = ["staff_id", "organisation", "team"]
STAFF_FILE_OPTIONAL = [
    "first_name",
    "last_name",
    "email",
    "job_title",
    "is_manager",
    "required_level",
    "start_date",
    "leaving_date",
]
