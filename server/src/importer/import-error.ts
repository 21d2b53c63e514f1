/** A document the importer refuses, with a stable code and a Chinese message saying what to do. */
export class ImportError extends Error {
  constructor(
    readonly code:
      | 'IMPORT_BINARY'
      | 'IMPORT_NOT_XLSX'
      | 'IMPORT_NOT_DOCX'
      | 'IMPORT_NOT_PDF'
      | 'IMPORT_PDF_NO_TEXT'
      | 'IMPORT_TOO_LARGE'
      | 'IMPORT_EMPTY'
      | 'IMPORT_DROPS_TASKS'
      | 'IMPORT_CORRECTION',
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
