/* global URLSearchParams, location, crypto, window, fetch */
// Inlined into index.html by the build (vite.config.ts): runs while the page is parsed, before
// the app's scripts arrive. Opened with a 免登 code in the address (the emulator console, an
// OAuth redirect), it starts the code exchange at once; the app (api/client.ts) takes the answer
// instead of asking again. Anything unexpected: it does nothing and the app signs in as usual.
(function () {
  try {
    var q = new URLSearchParams(location.search);
    var code = q.get('emulatorAuthCode');
    if (!code) return;
    var platform = q.get('emulatorPlatform') === 'zzd' ? 'zzd' : 'dingtalk';
    var key = Array.prototype.map
      .call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
        return (b + 256).toString(16).slice(1);
      })
      .join('');
    window.__dubanEarlySignIn = {
      code: code,
      platform: platform,
      // an organisation below the deployment's own is served at /o/<id>/: its API too
      response: fetch(
        (/^\/o\/[a-z][a-z0-9-]{1,30}(?=\/)/.exec(location.pathname) || [''])[0] + '/api/auth/' + platform,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ code: code }),
        },
      ),
    };
  } catch {
    /* the app signs in as usual */
  }
})();
