// Passkeys (WebAuthn): a form marked data-passkey="register|sign-in|confirm" gets its options
// from the server (data-options, a POST with the form's CSRF token), asks the browser for a
// passkey, puts the browser's answer (JSON) in the form's "credential" field and posts the form.
// Without JavaScript, or in a browser without passkeys, the button stays hidden and a note says so.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var supported = !!(window.PublicKeyCredential && navigator.credentials);

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var text = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (d) {
      return { type: d.type, id: toBytes(d.id), transports: d.transports };
    });
  }

  function creationOptions(json) {
    json.challenge = toBytes(json.challenge);
    json.user.id = toBytes(json.user.id);
    json.excludeCredentials = withBytes(json.excludeCredentials);
    return json;
  }

  function requestOptions(json) {
    json.challenge = toBytes(json.challenge);
    json.allowCredentials = withBytes(json.allowCredentials);
    return json;
  }

  function answer(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) {
        json.response.transports = response.getTransports();
      }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return JSON.stringify(json);
  }

  function why(error) {
    if (error && error.name === "NotAllowedError") {
      return "No passkey was used. You may have cancelled, or the time ran out. Try again.";
    }
    if (error && error.name === "SecurityError") {
      return "Passkeys need the site's name in the address, such as localhost, not a number like 127.0.0.1.";
    }
    if (error && error.name === "InvalidStateError") {
      return "This device already has a passkey for your account here.";
    }
    return "Something went wrong with the passkey. Try again, or use your password.";
  }

  function start(form, button, status) {
    var kind = form.getAttribute("data-passkey");
    var name = form.querySelector("input[name=name]");
    if (name && !name.value.trim()) {
      form.submit(); // the page says the name is missing
      return;
    }
    status.textContent = "Follow what your browser asks.";
    button.disabled = true;
    fetch(form.getAttribute("data-options"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.querySelector("input[name=csrf_token]").value }
    }).then(function (reply) {
      if (!reply.ok) {
        throw new Error("options");
      }
      return reply.json();
    }).then(function (options) {
      return kind === "register"
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
    }).then(function (credential) {
      form.querySelector("input[name=credential]").value = answer(credential);
      status.textContent = "Checking your passkey.";
      form.submit();
    }).catch(function (error) {
      button.disabled = false;
      status.textContent = why(error);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey]"), function (form) {
    var button = form.querySelector("[data-passkey-start]");
    var note = form.querySelector("[data-passkey-note]");
    var status = form.querySelector("[data-passkey-status]");
    if (!supported) {
      note.textContent = "This browser cannot use passkeys. You can still sign in with your password.";
      return;
    }
    note.hidden = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      start(form, button, status);
    });
    if (form.getAttribute("data-passkey") === "register") {
      form.addEventListener("submit", function (event) {
        var name = form.querySelector("input[name=name]");
        if (name.value.trim() && !form.querySelector("input[name=credential]").value) {
          event.preventDefault(); // Enter in the name box: make the passkey first
          start(form, button, status);
        }
      });
    }
  });
}());
