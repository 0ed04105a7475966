{{%AUTOESCAPE context="HTML"}}
{{! The queue overview: per domain what is queued, the state of its
    primary and the last delivery; an admin sees every domain and can
    filter by customer.  Links and forms only, no script. }}
<section class="bmx q" aria-labelledby="q-title">
<div class="bmx-head">
<h1 id="q-title">Queue</h1>
</div>
<p class="bmx-help">Mail our backup MX keeps while a primary mail server is down. It is delivered as soon as the primary answers again; after 14 days it goes back to its sender.</p>
<form class="bmx-search q-filter" method="get" action="/queue">
{{#ADMIN_FILTER}}<label for="q-customer">Customer</label>
<div class="bmx-search-row">
<input id="q-customer" name="customer" type="search" value="{{CUSTOMER}}" maxlength="64"
 autocapitalize="none" spellcheck="false"{{#CUSTOMER_ERROR}} aria-invalid="true" aria-describedby="q-customer-error"{{/CUSTOMER_ERROR}}>
<button type="submit">Filter</button>
</div>
{{#CUSTOMER_ERROR}}<p id="q-customer-error" class="bmx-error">{{CUSTOMER_ERROR}}</p>{{/CUSTOMER_ERROR}}
{{/ADMIN_FILTER}}<label class="bmx-choice"><input type="checkbox" name="queued" value="1"{{#QUEUED_ONLY}} checked{{/QUEUED_ONLY}}> Only domains with queued mail</label>
{{#CUSTOMER_FILTER}}<button type="submit">Show</button>{{/CUSTOMER_FILTER}}
</form>
<p class="bmx-summary" id="q-summary">{{SUMMARY}}</p>
<div class="q-charts">
<img src="/queue/chart.svg" width="720" height="300" alt="Chart: messages queued and recipients delivered over the last 14 days, all your domains">
<img src="/queue/ages.svg" width="720" height="300" alt="Chart: queued messages by age, all your domains">
</div>
{{#NONE}}<p>No domains to show.</p>{{/NONE}}
{{#TABLE}}
<div class="bmx-scroll">
<table class="bmx-table q-overview">
<thead>
<tr>
<th scope="col">Domain</th>
{{#OWNER_HEAD}}<th scope="col">Owner</th>
{{/OWNER_HEAD}}<th scope="col">Queued</th>
<th scope="col">Size</th>
<th scope="col">Oldest</th>
<th scope="col">First expiry</th>
<th scope="col">Primary mail server</th>
<th scope="col">Last delivery</th>
</tr>
</thead>
<tbody>
{{#ROW}}<tr data-domain="{{DOMAIN}}">
<td data-label="Domain"><a class="bmx-domain" href="/queue/{{DOMAIN}}">{{IDN}}</a>{{#ALABEL}}<span class="bmx-alabel">{{DOMAIN}}</span>{{/ALABEL}}</td>
{{#OWNER_COL}}<td data-label="Owner">{{OWNER}}</td>
{{/OWNER_COL}}<td data-label="Queued" class="bmx-num q-nmsg">{{NMSG}}{{#HELD}} <span class="bmx-tag">{{HELD}} held</span>{{/HELD}}</td>
<td data-label="Size" class="bmx-num">{{SIZE}}</td>
<td data-label="Oldest">{{#OLDEST}}{{OLDEST_AGE}}{{/OLDEST}}{{#EMPTY}}<span class="bmx-muted">—</span>{{/EMPTY}}</td>
<td data-label="First expiry">{{#EXPIRY}}in {{EXPIRY_IN}}{{/EXPIRY}}{{#EMPTY}}<span class="bmx-muted">—</span>{{/EMPTY}}</td>
<td data-label="Primary">{{#PRIMARY_UNKNOWN}}<span class="bmx-muted">not checked yet</span>{{/PRIMARY_UNKNOWN}}{{#PRIMARY_UP}}<span class="q-up">reachable</span> <span class="bmx-muted">checked <time datetime="{{PROBED_ISO}}">{{PROBED_REL}}</time></span>{{/PRIMARY_UP}}{{#PRIMARY_DOWN}}<span class="q-down">unreachable</span> <span class="q-reason">{{RESULT}}</span> <span class="bmx-muted">checked <time datetime="{{PROBED_ISO}}">{{PROBED_REL}}</time>{{#NEXT}}, next check <time datetime="{{NEXT_ISO}}">{{NEXT_REL}}</time>{{/NEXT}}</span>{{/PRIMARY_DOWN}}</td>
<td data-label="Last delivery">{{#DELIVERED}}<time datetime="{{LAST_ISO}}">{{LAST_REL}}</time>{{/DELIVERED}}{{#NEVER}}<span class="bmx-muted">none yet</span>{{/NEVER}}</td>
</tr>
{{/ROW}}
</tbody>
</table>
</div>
{{/TABLE}}
{{#PAGER}}<nav class="bmx-pager" aria-label="Pages">
<ul>
{{#PREV}}<li><a href="{{HREF}}" rel="prev">Previous</a></li>
{{/PREV}}<li><span aria-current="page">Page {{PAGE}} of {{PAGES}}</span></li>
{{#NEXT}}<li><a href="{{HREF}}" rel="next">Next</a></li>
{{/NEXT}}</ul>
</nav>
{{/PAGER}}
</section>
