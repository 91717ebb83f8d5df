import { IsOptional, IsUrl, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IsName, IsSlug } from '../../common/validation';

@InputType()
export class CreateApplicationInput {
  @Field()
  @IsSlug()
  slug: string;

  @Field()
  @IsName()
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;
}

@InputType({ description: 'Which application to archive or restore.' })
export class ApplicationSlugInput {
  @Field()
  slug: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType()
export class RegisterArtifactInput {
  @Field()
  applicationSlug: string;

  @Field({ description: 'Unique per application; semantic versions sort in order.' })
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/, {
    message: "version must be 1-128 letters, digits, '.', '_', '+' or '-', starting with a letter or digit",
  })
  version: string;

  @Field({ description: 'Image or package reference, e.g. registry.example/app:1.2.3.' })
  @Matches(/^\S{1,500}$/, { message: 'imageRef must be a reference without spaces' })
  imageRef: string;

  @Field(() => String, { nullable: true, description: 'e.g. sha256:<64 hex digits>' })
  @IsOptional()
  @Matches(/^[a-z0-9]+:[a-f0-9]{32,128}$/, { message: 'digest must look like sha256:<hex>' })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-f0-9]{7,64}$/, { message: 'commitSha must be 7-64 lowercase hex digits' })
  commitSha?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'buildUrl must be an http(s) URL' },
  )
  buildUrl?: string | null;
}
