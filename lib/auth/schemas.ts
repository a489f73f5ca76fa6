import { z } from 'zod';
import { normalizeEmail } from '../storage/users';

export const emailSchema = z.email({ message: 'Enter a valid email address.' }).max(254).transform(normalizeEmail);

export const signupSchema = z.object({
  email: emailSchema,
  password: z.string().min(8, 'Use at least 8 characters for the password.').max(256, 'Use at most 256 characters for the password.'),
  name: z.string().trim().min(1, 'Enter your name.').max(80, 'Use at most 80 characters for the name.'),
});

export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(256),
  newPassword: z.string().min(8, 'Use at least 8 characters for the new password.').max(256, 'Use at most 256 characters for the password.'),
});

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password.').max(256),
});
