// The web page: send the article to /v1/brief (stream mode), show progress, then the
// brief and the side-by-side view the server rendered; offer Markdown and JSON downloads.
"use strict";

const $ = (id) => document.getElementById(id);
let downloads = { markdown: "", json: "", name: "article" };

const KEY_NEEDED = "This server needs an API key: enter it under Options.";
const KEY_WRONG = "This API key is not accepted: check it under Options.";

// The key goes in a header: the server checks it before reading the article.
function keyHeaders() {
  const key = $("api_key").value.trim();
  return key ? { "X-API-Key": key } : {};
}

function askForKey(message) {
  $("key-field").hidden = false;
  $("options").open = true;
  showError(message);
  $("api_key").focus();
  $("error").scrollIntoView({ block: "nearest" });
}

async function loadInfo() {
  try {
    const response = await fetch("/v1/info", { headers: keyHeaders() });
    if (response.status === 401 || response.status === 403) {
      askForKey(response.status === 401 ? KEY_NEEDED : KEY_WRONG);
      return;
    }
    const info = await response.json();
    if ([KEY_NEEDED, KEY_WRONG].includes($("error").textContent)) showError("");
    const select = $("summarizer");
    select.replaceChildren();
    for (const name of info.summarizers) {
      const option = new Option(name === "abstractive" ? "written by the summary model" : "best sentences of the translation", name);
      option.selected = name === info.summarizer;
      select.add(option);
    }
    if (info.api_key_required) $("key-field").hidden = false;
  } catch (err) {
    showError("Cannot reach the server: " + err.message);
  }
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function setBusy(busy) {
  $("go").disabled = busy;
  $("go").textContent = busy ? "Working…" : "Translate and brief";
  $("progress-box").hidden = !busy;
}

function chosenFile() {
  const files = $("file").files;
  return files && files.length ? files[0] : null;
}

function showFile() {
  const file = chosenFile();
  $("file-name").textContent = file ? `Chosen: ${file.name} (${file.size.toLocaleString()} bytes); the text box is ignored.` : "";
  $("clear-file").hidden = !file;
}

function formData() {
  const data = new FormData();
  const file = chosenFile();
  if (file) data.append("file", file);
  else data.append("text", $("text").value);
  data.append("stream", "true");
  data.append("length", $("length").value);
  if ($("summarizer").value) data.append("summarizer", $("summarizer").value);
  data.append("keep_all", $("keep_all").checked ? "true" : "false");
  data.append("audit", $("audit").checked ? "true" : "false");
  return data;
}

function showProgress(done, total) {
  const bar = $("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("progress-label").textContent = total ? `Translating: ${done} of ${total} segments` : "Reading the article…";
  if (total && done >= total) $("progress-label").textContent = "Writing the brief…";
}

function showResult(line) {
  downloads = {
    markdown: line.markdown,
    json: JSON.stringify(line.result, null, 2) + "\n",
    name: (line.result.source && line.result.source.path || "article").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "-") || "article",
  };
  $("result").innerHTML = line.html; // rendered and escaped by the server
  $("output").hidden = false;
  const stats = line.result.stats;
  $("status").textContent = `Done: ${stats.paragraphs} paragraphs, ${stats.source_words} French words, ${stats.seconds.toFixed(1)} s.`;
  const heading = $("result").querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

async function submit(event) {
  event.preventDefault();
  showError("");
  if (!chosenFile() && !$("text").value.trim()) {
    showError("Paste a French article or choose a file first.");
    $("text").focus();
    return;
  }
  setBusy(true);
  showProgress(0, 0);
  $("status").textContent = "Sending the article…";
  try {
    const response = await fetch("/v1/brief", { method: "POST", body: formData(), headers: keyHeaders() });
    if (response.status === 401 || response.status === 403) {
      $("status").textContent = "";
      askForKey(response.status === 401 ? KEY_NEEDED : KEY_WRONG);
      return;
    }
    if (!response.ok) {
      let message = `The server answered ${response.status}.`;
      try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
      throw new Error(message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let finished = false;
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const text = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!text) continue;
        const line = JSON.parse(text);
        if (line.progress) showProgress(line.progress.done, line.progress.total);
        else if (line.error) throw new Error(line.error);
        else if (line.result) { showResult(line); finished = true; }
      }
      if (done) break;
    }
    if (!finished) throw new Error("The answer stopped before the result; try again.");
  } catch (err) {
    $("status").textContent = "";
    showError(err.message);
  } finally {
    setBusy(false);
  }
}

function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function setUp() {
  $("article-form").addEventListener("submit", submit);
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("article-form").requestSubmit();
  });
  $("file").addEventListener("change", showFile);
  $("api_key").addEventListener("change", loadInfo);
  $("clear-file").addEventListener("click", () => { $("file").value = ""; showFile(); $("file").focus(); });
  const form = $("article-form");
  form.addEventListener("dragover", (event) => { event.preventDefault(); $("drop").classList.add("over"); });
  form.addEventListener("dragleave", () => $("drop").classList.remove("over"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    $("drop").classList.remove("over");
    if (event.dataTransfer.files.length) { $("file").files = event.dataTransfer.files; showFile(); }
  });
  $("download-md").addEventListener("click", () => download(downloads.markdown, downloads.name + ".brief.md", "text/markdown"));
  $("download-json").addEventListener("click", () => download(downloads.json, downloads.name + ".brief.json", "application/json"));
  // A key point's [¶N] moves the focus to its paragraph, for keyboard and screen-reader users.
  $("result").addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#p-"]');
    if (!link) return;
    const row = document.getElementById(link.getAttribute("href").slice(1));
    if (row) setTimeout(() => row.focus(), 0);
  });
  loadInfo();
}

document.addEventListener("DOMContentLoaded", setUp);
