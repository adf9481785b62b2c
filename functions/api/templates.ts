import { directoryTemplateXlsx } from '../../shared/adapters/tabular/directory-template-file.ts';
import { registerTemplateXlsx } from '../../shared/adapters/tabular/register-file.ts';
import { rollTemplateXlsx } from '../../shared/adapters/tabular/roll-file.ts';

/**
 * The blank import templates' builders: the api's lazy chunk `lazy/templates.mjs` (infra/bundling.ts TEMPLATES),
 * loaded on the first template download. The sheet layouts, the spreadsheet readers (csv-parse) and exceljs (whose
 * modules import it statically, so a template builder inside the main chunk would load exceljs at every cold start)
 * stay out of the api's main chunk. Builders only: nothing here throws a domain error the main chunk must map.
 */
export const templateBuilders = {
  directory: () => directoryTemplateXlsx(),
  roll: rollTemplateXlsx,
  register: registerTemplateXlsx,
} satisfies Record<string, () => Promise<Buffer>>;
