import * as z from 'zod/mini';

/** A mainland China mobile in E.164: +86 then 11 digits starting 13–19. */
export const MAINLAND_MOBILE = /^\+861[3-9]\d{9}$/;
/**
 * Longest person name (pupil, guardian, official) and place name (school, township, 包片 area) the API and the
 * directory import accept. Every SMS parameter's bound derives from these (templates/provider-rules.ts
 * PARAM_SPECS), and the provider check at synth/start proves each fits the provider's variable limit, so a
 * case that was accepted can always be notified.
 */
export const PERSON_NAME_MAX = 32;
export const PLACE_NAME_MAX = 30;

export const mobileSchema = z
  .string()
  .check(z.regex(MAINLAND_MOBILE, '不是有效的大陆手机号（应为 +861XXXXXXXXXX，+86 后 11 位）'));

export const idSchema = z
  .string()
  .check(z.minLength(2), z.maxLength(64), z.regex(/^[a-z0-9][a-z0-9-]*$/, '编号只能由小写字母、数字和连字符组成'));

export const roles = [
  'chief', // 总负责人
  'office', // 领导小组办公室 (基教股)
  'area-leader', // 包片领导
  'township-contact', // 包乡镇人员
  'township-government', // 乡镇人民政府 contact
  'school-head', // 校长
  'teacher', // 班主任 / 科任教师
  'member', // 领导小组成员 without a chasing role
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const personSchema = z.object({
  id: idSchema,
  name: z.string().check(z.minLength(1), z.maxLength(PERSON_NAME_MAX)),
  phone: mobileSchema,
  roles: z.array(roleSchema).check(z.minLength(1)),
  title: z.optional(z.string().check(z.maxLength(64))),
  /** The school a head or teacher belongs to. */
  schoolId: z.optional(idSchema),
  /** The township a government contact belongs to. */
  townshipId: z.optional(idSchema),
  active: z._default(z.boolean(), true),
});
export type Person = z.infer<typeof personSchema>;

/** 包片: an area of townships under one leader. */
export const areaSchema = z.object({
  id: idSchema,
  name: z.string().check(z.minLength(1), z.maxLength(PLACE_NAME_MAX)),
  leaderId: idSchema,
  active: z._default(z.boolean(), true),
});
export type Area = z.infer<typeof areaSchema>;

export const townshipSchema = z.object({
  id: idSchema,
  name: z.string().check(z.minLength(1), z.maxLength(PLACE_NAME_MAX)),
  areaId: idSchema,
  /** 包乡镇人员: bureau staff assigned to the township. */
  contactIds: z.array(idSchema).check(z.minLength(1)),
  /** The township government's contact who receives lapsed-notice reports. */
  governmentContactId: z.optional(idSchema),
  active: z._default(z.boolean(), true),
});
export type Township = z.infer<typeof townshipSchema>;

export const schoolSchema = z.object({
  id: idSchema,
  name: z.string().check(z.minLength(1), z.maxLength(PLACE_NAME_MAX)),
  townshipId: idSchema,
  headId: idSchema,
  /** 中心校, 初中, 村小, 教学点… (the template's 类型); absent for data imported before kinds existed. */
  kind: z.optional(z.string().check(z.maxLength(16))),
  /** The 中心校 a 村小 or 教学点 belongs to. */
  parentId: z.optional(idSchema),
  /** The school office phone printed on the guardian's notice (may be a landline). */
  phone: z.string().check(z.regex(/^\+86\d{9,11}$/, '应为 +86 加 9–11 位数字')),
  active: z._default(z.boolean(), true),
});
export type School = z.infer<typeof schoolSchema>;

/** The whole organisation, as imported. */
export const directorySchema = z.object({
  chiefId: idSchema,
  officeIds: z.array(idSchema).check(z.minLength(1)),
  people: z.array(personSchema),
  areas: z.array(areaSchema),
  townships: z.array(townshipSchema),
  schools: z.array(schoolSchema),
});
export type Directory = z.infer<typeof directorySchema>;
