{{%AUTOESCAPE context="HTML"}}
{{! Confirmation before a queued message is deleted. }}
<section class="bmx bmx-narrow q" aria-labelledby="q-title">
<p class="bmx-back"><a href="/queue/{{DOMAIN}}/{{ID}}">Message {{ID}}</a></p>
<h1 id="q-title">Delete message <code>{{ID}}</code>?</h1>
<dl class="bmx-info">
<dt>Sender</dt><dd>{{SENDER}}</dd>
<dt>Recipients</dt><dd>{{RCPTS}}</dd>
<dt>Arrived</dt><dd><time datetime="{{ARRIVAL_ISO}}">{{ARRIVAL}} UTC</time></dd>
<dt>Size</dt><dd>{{SIZE}}</dd>
</dl>
<p class="bmx-danger">The message is removed from the queue for good: it is neither delivered nor returned to its sender. This cannot be undone.</p>
<form method="post" action="/queue/{{DOMAIN}}/{{ID}}/delete">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="bmx-buttons">
<button type="submit" class="bmx-danger-button">Delete the message</button>
<a href="/queue/{{DOMAIN}}/{{ID}}">Cancel</a>
</div>
</form>
</section>
