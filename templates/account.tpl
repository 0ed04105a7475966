{{%AUTOESCAPE context="HTML"}}
{{! The signed-in user's own account: who, password change, contact e-mail. }}
{{! Errors sit beside their field (aria-describedby); passwords never come back. }}
<div class="acct">
<h1>Account</h1>
{{#DONE}}<p class="acct-notice" role="status">{{MESSAGE}}</p>
{{/DONE}}
<section class="acct-box" aria-labelledby="acct-who">
<h2 id="acct-who">Who you are</h2>
<dl class="acct-facts">
<dt>User name</dt><dd>{{NAME}}</dd>
<dt>Role</dt><dd>{{ROLE}}</dd>
<dt>Created</dt><dd><time datetime="{{CREATED}}">{{CREATED}}</time></dd>
<dt>Contact e-mail</dt><dd>{{#HAS_EMAIL}}{{EMAIL_NOW}}{{/HAS_EMAIL}}{{#NO_EMAIL}}<span class="acct-muted">none</span>{{/NO_EMAIL}}</dd>
</dl>
</section>

<section class="acct-box" aria-labelledby="acct-pw">
<h2 id="acct-pw">Change your password</h2>
<p class="acct-muted">Changing it signs out every other session of your account.</p>
<form method="post" action="/account/password">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="pw-current">Current password</label>
<input id="pw-current" name="current" type="password" required maxlength="1024"
 autocomplete="current-password"{{#CURRENT_ERR}} aria-invalid="true" aria-describedby="pw-current-err"{{/CURRENT_ERR}}>
{{#CURRENT_ERR}}<p class="acct-error" id="pw-current-err">{{ERR}}</p>{{/CURRENT_ERR}}
</div>
<div class="field">
<label for="pw-new">New password</label>
<input id="pw-new" name="new" type="password" required minlength="{{PW_MIN}}" maxlength="1024"
 autocomplete="new-password" aria-describedby="pw-new-hint{{#NEW_ERR}} pw-new-err{{/NEW_ERR}}"{{#NEW_ERR}} aria-invalid="true"{{/NEW_ERR}}>
<p class="acct-hint" id="pw-new-hint">At least {{PW_MIN}} characters.</p>
{{#NEW_ERR}}<p class="acct-error" id="pw-new-err">{{ERR}}</p>{{/NEW_ERR}}
</div>
<div class="field">
<label for="pw-repeat">New password again</label>
<input id="pw-repeat" name="repeat" type="password" required maxlength="1024"
 autocomplete="new-password"{{#REPEAT_ERR}} aria-invalid="true" aria-describedby="pw-repeat-err"{{/REPEAT_ERR}}>
{{#REPEAT_ERR}}<p class="acct-error" id="pw-repeat-err">{{ERR}}</p>{{/REPEAT_ERR}}
</div>
<button type="submit">Change password</button>
</form>
</section>

<section class="acct-box" aria-labelledby="acct-mail">
<h2 id="acct-mail">Contact e-mail</h2>
<form method="post" action="/account/email">
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field">
<label for="acct-email">E-mail address</label>
<input id="acct-email" name="email" type="email" maxlength="254" value="{{EMAIL}}"
 autocomplete="email" spellcheck="false" aria-describedby="acct-email-hint{{#EMAIL_ERR}} acct-email-err{{/EMAIL_ERR}}"{{#EMAIL_ERR}} aria-invalid="true"{{/EMAIL_ERR}}>
<p class="acct-hint" id="acct-email-hint">Where we write about your service. Leave it empty to remove it.</p>
{{#EMAIL_ERR}}<p class="acct-error" id="acct-email-err">{{ERR}}</p>{{/EMAIL_ERR}}
</div>
<button type="submit">Save e-mail address</button>
</form>
</section>
</div>
