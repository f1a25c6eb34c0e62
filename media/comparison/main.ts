// Browser side of the comparison panel. The panel itself arrives with its issue; until then this entry
// only proves the webview build (vscode-elements bundled, no eval) and renders an honest placeholder.
import '@vscode-elements/elements/dist/vscode-badge/index.js';

const root = document.getElementById('root');
if (root) {
  root.textContent = 'The comparison panel is not built yet.';
}
