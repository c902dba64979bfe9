"""The user's own catalog: import/export files in a documented column set, stored in the data dir, merged
into the catalog every chain loads (entries marked `user`, source 用户导入)."""
from assistant.catalog.browse import Filter, describe, industries, select
from assistant.catalog.io import COLUMNS, read_rows, write_rows, write_template
from assistant.catalog.store import (
    ImportReport,
    catalog_path,
    import_file,
    index_document,
    load_user_standards,
    merged_catalog,
    remove_standard,
    with_user_catalog,
)

__all__ = ["COLUMNS", "Filter", "ImportReport", "catalog_path", "describe", "import_file", "index_document",
           "industries", "load_user_standards", "merged_catalog", "read_rows", "remove_standard", "select",
           "with_user_catalog", "write_rows", "write_template"]
