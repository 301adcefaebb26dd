"""Excel import for any list: upload checks, a resource base with Chinese column headings, scope
checks and duplicate detection, and the pages (upload → preview → confirm, template download).

django-import-export maps columns to fields and runs the dry run; Banzi adds what a system of
record needs on top: the file is checked by content, every row is validated and saved through the
same service as the UI (so each saved row has its history with the importing user), a township user
can only import into their own township, and nothing is saved unless every row is right. A list
imported by the thousand (the cadre roster) is `batched`: its rows are validated in memory against
lookups made once for the file (the preview writes nothing) and written in batches, each record
still with its one history row and one audit event (`batch`).

One module per layer, each imported from directly (this package re-exports nothing):

- `workbook`: the uploaded file checked by content and size, and read into headings and rows;
- `columns`: `Column` and the widgets that turn a cell into a value;
- `resources`: `ImportResource`, the base of every list's import (see `org.resources`);
- `report`: `ImportReport`, the outcome of each row (new, updated, unchanged, errors);
- `batch`: the batched write (history and chained audit events in bulk) and the progress reported;
- `services`: `preview_import` and `commit_import`, and the `ImportJob` kept between them;
- `template_workbook`: the template to download and the rules shown with it;
- `views`: the pages, and `import_urls`, which gives a list its import in one line of URLs:

    urlpatterns = [*import_urls("cadres", CadreResource)]
"""
