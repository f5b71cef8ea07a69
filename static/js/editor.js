/* Quorum's rich-text editor: Quill 2 on top of a plain <textarea data-editor>.
 * Without JavaScript the textarea is the editor; with it, Quill writes its semantic
 * HTML into the same textarea (and sets body_format=html), which the server cleans.
 * Images are uploaded to the site; Quill's default base64 images are never used. */
(function () {
  "use strict";

  var TOOLBARS = {
    post: [
      [{ header: [1, 2, 3, false] }],
      ["bold", "italic", "underline", "strike"],
      [{ list: "ordered" }, { list: "bullet" }],
      ["blockquote", "code-block"],
      ["link", "image"],
      ["clean"],
    ],
    comment: [
      ["bold", "italic", "underline", "strike"],
      [{ list: "ordered" }, { list: "bullet" }],
      ["blockquote", "code-block"],
      ["link"],
      ["clean"],
    ],
  };

  function readLabels() {
    var meta = document.querySelector('meta[name="editor-labels"]');
    try {
      return meta ? JSON.parse(meta.content) : {};
    } catch (error) {
      return {};
    }
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function labelToolbar(toolbar, labels) {
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", labels.toolbar || "Formatting");
    toolbar.querySelectorAll("button").forEach(function (button) {
      var format = Array.prototype.find.call(button.classList, function (name) {
        return name.indexOf("ql-") === 0;
      });
      if (!format) return;
      var key = format.slice(3) + (button.value ? ":" + button.value : "");
      var label = labels[key] || labels[format.slice(3)];
      if (label) {
        button.setAttribute("aria-label", label);
        button.title = label;
      }
    });
    toolbar.querySelectorAll(".ql-picker-label").forEach(function (picker) {
      picker.setAttribute("aria-label", labels.header || "Heading");
    });
  }

  function showError(holder, message) {
    var status = holder.querySelector(".editor__status");
    status.textContent = message;
  }

  function uploadImage(quill, holder, uploadUrl, labels) {
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/png,image/jpeg,image/gif,image/webp";
    input.addEventListener("change", function () {
      if (!input.files || !input.files[0]) return;
      var data = new FormData();
      data.append("image", input.files[0]);
      showError(holder, labels.uploading || "");
      fetch(uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.body.error.message);
          var range = quill.getSelection(true);
          quill.insertEmbed(range.index, "image", result.body.url, "user");
          quill.setSelection(range.index + 1, 0);
          showError(holder, "");
        })
        .catch(function (error) {
          showError(holder, error.message || labels.upload_failed || "Upload failed");
        });
    });
    input.click();
  }

  function enhance(textarea, labels) {
    if (textarea.dataset.enhanced || typeof Quill === "undefined") return;
    textarea.dataset.enhanced = "1";
    var form = textarea.form;
    var formatInput = form.querySelector('input[name="body_format"]');
    var holder = document.createElement("div");
    holder.className = "editor";
    var surface = document.createElement("div");
    var status = document.createElement("p");
    status.className = "editor__status";
    status.setAttribute("role", "status");
    holder.appendChild(surface);
    holder.appendChild(status);
    textarea.insertAdjacentElement("afterend", holder);
    textarea.hidden = true;

    var kind = textarea.dataset.editor in TOOLBARS ? textarea.dataset.editor : "comment";
    var uploadUrl = textarea.dataset.uploadUrl;
    var quill = new Quill(surface, {
      theme: "snow",
      placeholder: labels.placeholder || "",
      modules: {
        toolbar: {
          container: TOOLBARS[kind],
          handlers: {
            image: function () {
              if (uploadUrl) uploadImage(quill, holder, uploadUrl, labels);
            },
          },
        },
      },
    });
    if (formatInput && formatInput.value === "html" && textarea.value) {
      // Sent back after a validation error: what the person had written in Quill.
      quill.clipboard.dangerouslyPasteHTML(textarea.value);
    } else if (textarea.dataset.html) {
      // Editing: the stored HTML, cleaned by the server when it was saved.
      quill.clipboard.dangerouslyPasteHTML(textarea.dataset.html);
    } else if (textarea.value) {
      quill.setText(textarea.value);
    }
    labelToolbar(holder.querySelector(".ql-toolbar"), labels);
    var label = form.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      quill.root.setAttribute("aria-labelledby", label.id);
    }
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");

    function sync() {
      textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
      if (formatInput) formatInput.value = "html";
    }
    sync();
    quill.on("text-change", sync);
    form.addEventListener("submit", sync);
  }

  function enhanceWithin(root) {
    var labels = readLabels();
    root.querySelectorAll("textarea[data-editor]").forEach(function (textarea) {
      enhance(textarea, labels);
    });
  }

  function start() {
    enhanceWithin(document);
    document.body.addEventListener("htmx:load", function (event) {
      enhanceWithin(event.detail.elt);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
