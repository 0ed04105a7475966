{{%AUTOESCAPE context="HTML"}}
{{! Error pages (404, 405, 413, 500 ...): the status text and a way back. }}
<section class="card" aria-labelledby="error-title">
<h1 id="error-title">{{HEADING}}</h1>
<p>{{MESSAGE}}</p>
{{#PATH}}<p class="detail">Address: <code>{{PATH}}</code></p>{{/PATH}}
<p><a href="/">Back to the panel</a></p>
</section>
