import { z } from 'zod';
import { choiceField, idField, listField, optionalVersionField, requiredTextField, textField, versionField } from '../http/fields.ts';
import { ROLES } from '../http/current-user.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts';
import { t } from '../i18n/messages.ts';

const required = (max: number, message: string) => requiredTextField(max, message, 'invalid');

export const emailField = required(254, t('users.error.emailRequired')).refine((s) => z.email().safeParse(s).success, {
  error: t('users.error.emailInvalid'),
});

// A password is never trimmed: spaces are part of it. Length is checked here so that it shows with the
// other field errors; the common/context-word rule needs the database and is checked by the service.
const password = (emptyAllowed: boolean) =>
  z
    .string({ error: t('form.invalid') })
    .max(PASSWORD_MAX, { error: t('password.tooLong') })
    .refine((p) => (emptyAllowed && p === '') || p.length >= PASSWORD_MIN, { error: t('password.tooShort') });
const newPassword = password(false);

/** The staff form for an account (create and edit). */
export const userFormSchema = z.object({
  email: emailField,
  display_name: required(120, t('users.error.nameRequired')),
  role: choiceField(ROLES, t('users.error.roleRequired')),
  pole_ids: listField(z.array(idField(t('users.error.unknownPole')), { error: t('form.invalid') }).max(200, { error: t('form.invalid') })),
  region_codes: listField(
    z
      .array(z.string().regex(/^[0-9A-Z]{2,3}$/, { error: t('users.error.unknownRegion') }), { error: t('form.invalid') })
      .max(30, { error: t('form.invalid') }),
  ),
  version: optionalVersionField(),
});

/** Creation adds an optional initial password: empty means "send an invitation link". */
export const newUserFormSchema = userFormSchema.extend({
  password: password(true).optional().default(''),
});

/** The staff list's query string; a repeated parameter arrives as an array and is refused. */
export const userListQuery = z.object({
  q: textField(200).optional(),
  role: z.union([z.literal(''), z.enum(ROLES)]).optional(),
  etat: z.enum(['actifs', 'inactifs', 'tous']).optional(),
});

/** The hidden version field of the activate/deactivate forms. */
export const versionOnlySchema = z.object({ version: versionField() });

const mismatch = (a: string, b: string) => (v: Record<string, string>, ctx: z.RefinementCtx) => {
  if (v[a] !== v[b]) ctx.addIssue({ code: 'custom', path: [b], message: t('password.mismatch') });
};

/** Invitation and reset pages: the new password, twice. */
export const setPasswordSchema = z
  .object({ password: newPassword, password_confirm: z.string({ error: t('form.invalid') }).max(PASSWORD_MAX + 1) })
  .superRefine(mismatch('password', 'password_confirm'));

/** The profile's password form: the current one, then the new one twice. */
export const changePasswordSchema = z
  .object({
    current_password: z
      .string({ error: t('account.error.currentRequired') })
      .min(1, { error: t('account.error.currentRequired') })
      .max(1024),
    new_password: newPassword,
    new_password_confirm: z.string({ error: t('form.invalid') }).max(PASSWORD_MAX + 1),
  })
  .superRefine(mismatch('new_password', 'new_password_confirm'));

/** The profile's name form. */
export const profileSchema = z.object({
  display_name: required(120, t('users.error.nameRequired')),
  version: optionalVersionField(),
});

/** A link token as issued: 16 random bytes in base64url (22 characters). */
export function isTokenShaped(raw: string | undefined): raw is string {
  return typeof raw === 'string' && /^[A-Za-z0-9_-]{22}$/.test(raw);
}
