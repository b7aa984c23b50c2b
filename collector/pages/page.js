// The hosted survey page: runs the widget in page mode with the config the collector wrote
// into the page (a JSON data block, not a script: the page's policy allows no inline script).
import { nps } from '/nps-widget/index.js';

const data = document.getElementById('nps-survey');
nps('init', JSON.parse(data.textContent));
