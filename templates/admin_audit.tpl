{{%AUTOESCAPE context="HTML"}}
{{! The append-only audit log for admins, newest first, 50 a page. }}
<div class="acct">
<h1>Audit log</h1>
<p class="acct-muted">Every change to accounts, domains and services: who made it, from where, and when (UTC).</p>
{{#LIST}}<div class="acct-table">
<table>
<caption>Audit entries, newest first, page {{PAGE}}</caption>
<thead>
<tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">From</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">Detail</th></tr>
</thead>
<tbody>
{{#ENTRY}}<tr>
<td data-label="When"><time datetime="{{AT}}">{{AT}}</time></td>
<td data-label="Who">{{ACTOR}}</td>
<td data-label="From">{{CLIENT}}</td>
<td data-label="Action"><code>{{ACTION}}</code></td>
<td data-label="Object">{{OBJECT}}</td>
<td data-label="Detail">{{DETAIL}}</td>
</tr>
{{/ENTRY}}</tbody>
</table>
</div>
{{/LIST}}{{#EMPTY}}<p>No entries on this page. <a href="/admin/audit">Back to the newest</a></p>
{{/EMPTY}}{{#PAGING}}<nav class="acct-paging" aria-label="Pages">
{{#PREV}}<a href="/admin/audit?page={{N}}" rel="prev">Newer</a>{{/PREV}}
<span>Page {{PAGE}}</span>
{{#NEXT}}<a href="/admin/audit?page={{N}}" rel="next">Older</a>{{/NEXT}}
</nav>
{{/PAGING}}</div>
