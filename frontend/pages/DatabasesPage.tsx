/**
 * The manifest's frontend entry. The React UI (instances list, create dialog, detail page) comes
 * with the UI issue; until then the Flux host stand-in serves a placeholder page at `/`
 * (host/placeholder-page.ts) and everything is reachable through the REST API.
 */
export default function DatabasesPage(): null {
  return null;
}
