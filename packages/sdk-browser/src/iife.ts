// Entry of the <script> tag build (dist/echotrail.min.js): exposes `window.Echotrail`
// and starts recording when its own tag carries `data-key`.
import { optionsFromScript } from './script-options.js'
import { action, clearUser, flush, init, setUser, shutdown, stats } from './sdk.js'

const api = { init, setUser, clearUser, action, flush, stats, shutdown }

;(window as unknown as { Echotrail: typeof api }).Echotrail = api
const fromTag = optionsFromScript(document.currentScript)
if (fromTag) init(fromTag)
