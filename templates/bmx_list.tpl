{{%AUTOESCAPE context="HTML"}}
{{! BackupMX management: the user's entries (an admin's: everyone's, with
    the owner), searched, sorted and paged by query-string links only. }}
<section class="bmx" aria-labelledby="bmx-title">
<div class="bmx-head">
<h1 id="bmx-title">BackupMX</h1>
<a class="bmx-add" href="/backupmx/new"><span aria-hidden="true">+</span> New entry</a>
</div>
{{#NOTICE}}<p class="bmx-notice" role="status">{{NOTICE}}</p>{{/NOTICE}}
<form class="bmx-search" method="get" action="/backupmx" role="search">
<label for="bmx-q">Search domains</label>
<div class="bmx-search-row">
<input id="bmx-q" name="q" type="search" value="{{Q}}" maxlength="200"
 autocapitalize="none" spellcheck="false" aria-describedby="bmx-q-help{{#Q_ERROR}} bmx-q-error{{/Q_ERROR}}"{{#Q_ERROR}} aria-invalid="true"{{/Q_ERROR}}>
<input type="hidden" name="sort" value="{{SORT}}">
<input type="hidden" name="dir" value="{{DIR}}">
<button type="submit">Search</button>
</div>
{{#Q_ERROR}}<p id="bmx-q-error" class="bmx-error">{{Q_ERROR}}</p>{{/Q_ERROR}}
<p id="bmx-q-help" class="bmx-help">A part of the name, in Unicode or xn-- form. <code>*</code> stands for any characters and makes the pattern cover the whole name: <code>shop*</code>, <code>*.de</code>.</p>
</form>
<p class="bmx-summary">{{SUMMARY}}</p>
{{#TABLE}}
<div class="bmx-scroll">
<table class="bmx-table">
<thead>
<tr>
{{#COL}}<th scope="col"{{#ARIA}} aria-sort="{{SORTDIR}}"{{/ARIA}}>{{#SORTLINK}}<a href="{{HREF}}">{{LABEL}}{{#ARROW}}<span aria-hidden="true"> {{ARROW_CHAR}}</span>{{/ARROW}}</a>{{/SORTLINK}}{{#PLAIN}}{{LABEL}}{{/PLAIN}}</th>
{{/COL}}<th scope="col"><span class="bmx-sr">Actions</span></th>
</tr>
</thead>
<tbody>
{{#ROW}}<tr>
<td data-label="Domain"><a class="bmx-domain" href="/backupmx/{{DOMAIN}}">{{IDN}}</a>{{#ALABEL}}<span class="bmx-alabel">{{DOMAIN}}</span>{{/ALABEL}}</td>
{{#OWNER_COL}}<td data-label="Owner">{{OWNER}}</td>
{{/OWNER_COL}}<td data-label="Created"><time datetime="{{CREATED}}Z">{{CREATED}} UTC</time></td>
<td data-label="Updated"><time datetime="{{UPDATED}}Z">{{UPDATED}} UTC</time></td>
<td data-label="Delivery host">{{#HOST}}<code>{{HOST}}</code>{{/HOST}}{{#MX}}<span class="bmx-muted">MX records</span>{{/MX}}{{#DOWN_ONLY}}<span class="bmx-tag">only while down</span>{{/DOWN_ONLY}}</td>
<td data-label="Recipients">{{#ANY}}any address{{/ANY}}{{#LISTED}}listed only ({{NRCPT}}){{/LISTED}}</td>
<td data-label="Queued" class="bmx-num">{{QUEUED}}</td>
<td class="bmx-actions"><a href="/backupmx/{{DOMAIN}}/delete">Delete</a></td>
</tr>
{{/ROW}}
</tbody>
</table>
</div>
{{/TABLE}}
{{#PAGER}}<nav class="bmx-pager" aria-label="Pages">
<ul>
{{#PREV}}<li><a href="{{HREF}}" rel="prev">Previous</a></li>
{{/PREV}}{{#PAGE}}{{#GAP}}<li class="bmx-gap" aria-hidden="true">…</li>{{/GAP}}{{#CURRENT}}<li><span aria-current="page">{{NUM}}</span></li>{{/CURRENT}}{{#LINK}}<li><a href="{{HREF}}" aria-label="Page {{NUM}}">{{NUM}}</a></li>{{/LINK}}
{{/PAGE}}{{#NEXT}}<li><a href="{{HREF}}" rel="next">Next</a></li>
{{/NEXT}}</ul>
</nav>
{{/PAGER}}
</section>
