{{%AUTOESCAPE context="HTML"}}
{{! Admins: every account (50 a page) with disable/enable, and a form to add one. }}
<div class="acct">
<h1>Users</h1>
{{#NOTICE}}<p class="acct-notice" role="status">{{MESSAGE}}</p>
{{/NOTICE}}{{#ERROR}}<p class="acct-error acct-banner" role="alert">{{MESSAGE}}</p>
{{/ERROR}}
<details class="acct-box acct-add"{{#ADD_OPEN}} open{{/ADD_OPEN}}>
<summary>Add a user</summary>
{{#ADD_ERROR}}<p class="acct-error" role="alert">{{ERR}}</p>{{/ADD_ERROR}}
<form method="post" action="/admin/users">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="add-name">User name</label>
<input id="add-name" name="name" type="text" required maxlength="64" value="{{ADD_NAME}}"
 autocomplete="off" autocapitalize="none" spellcheck="false"
 aria-describedby="add-name-hint{{#NAME_ERR}} add-name-err{{/NAME_ERR}}"{{#NAME_ERR}} aria-invalid="true"{{/NAME_ERR}}>
<p class="acct-hint" id="add-name-hint">a-z, 0-9, '.', '_' and '-'; starts with a letter or digit.</p>
{{#NAME_ERR}}<p class="acct-error" id="add-name-err">{{ERR}}</p>{{/NAME_ERR}}
</div>
<div class="field">
<label for="add-role">Role</label>
<select id="add-role" name="role"{{#ROLE_ERR}} aria-invalid="true" aria-describedby="add-role-err"{{/ROLE_ERR}}>
<option value="customer">customer</option>
<option value="admin"{{#ROLE_ADMIN}} selected{{/ROLE_ADMIN}}>admin</option>
</select>
{{#ROLE_ERR}}<p class="acct-error" id="add-role-err">{{ERR}}</p>{{/ROLE_ERR}}
</div>
<div class="field">
<label for="add-password">Initial password</label>
<input id="add-password" name="password" type="password" maxlength="1024" autocomplete="new-password"
 aria-describedby="add-password-hint{{#PW_ERR}} add-password-err{{/PW_ERR}}"{{#PW_ERR}} aria-invalid="true"{{/PW_ERR}}>
<p class="acct-hint" id="add-password-hint">At least {{PW_MIN}} characters. Leave it empty to have one made and shown once.</p>
{{#PW_ERR}}<p class="acct-error" id="add-password-err">{{ERR}}</p>{{/PW_ERR}}
</div>
<div class="field">
<label for="add-email">Contact e-mail (optional)</label>
<input id="add-email" name="email" type="email" maxlength="254" value="{{ADD_EMAIL}}" spellcheck="false"
 {{#EMAIL_ERR}}aria-invalid="true" aria-describedby="add-email-err"{{/EMAIL_ERR}}>
{{#EMAIL_ERR}}<p class="acct-error" id="add-email-err">{{ERR}}</p>{{/EMAIL_ERR}}
</div>
<button type="submit">Add user</button>
</form>
</details>

{{#LIST}}<div class="acct-table">
<table>
<caption>Accounts by name, page {{PAGE}}</caption>
<thead>
<tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created (UTC)</th><th scope="col">Domains</th><th scope="col">E-mail</th><th scope="col">State</th><th scope="col"><span class="acct-sr">Actions</span></th></tr>
</thead>
<tbody>
{{#USER}}<tr{{#IS_DISABLED}} class="acct-disabled"{{/IS_DISABLED}}>
<td data-label="Name">{{NAME}}</td>
<td data-label="Role">{{ROLE}}</td>
<td data-label="Created"><time datetime="{{CREATED}}">{{CREATED}}</time></td>
<td data-label="Domains">{{DOMAINS}}</td>
<td data-label="E-mail">{{EMAIL}}</td>
<td data-label="State">{{STATE}}</td>
<td data-label="Actions">{{#SELF}}<span class="acct-muted">you</span>{{/SELF}}{{#DISABLE}}<form class="acct-inline" method="post" action="/admin/users/disable">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="name" value="{{NAME}}"><input type="hidden" name="page" value="{{PAGE}}">
<button type="submit" class="acct-small" aria-label="Disable {{NAME}}">Disable</button>
</form>{{/DISABLE}}{{#ENABLE}}<form class="acct-inline" method="post" action="/admin/users/enable">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="name" value="{{NAME}}"><input type="hidden" name="page" value="{{PAGE}}">
<button type="submit" class="acct-small" aria-label="Enable {{NAME}}">Enable</button>
</form>{{/ENABLE}}</td>
</tr>
{{/USER}}</tbody>
</table>
</div>
{{/LIST}}{{#EMPTY}}<p>No users on this page. <a href="/admin/users">Back to the first page</a></p>
{{/EMPTY}}{{#PAGING}}<nav class="acct-paging" aria-label="Pages">
{{#PREV}}<a href="/admin/users?page={{N}}" rel="prev">Previous</a>{{/PREV}}
<span>Page {{PAGE}}</span>
{{#NEXT}}<a href="/admin/users?page={{N}}" rel="next">Next</a>{{/NEXT}}
</nav>
{{/PAGING}}</div>
