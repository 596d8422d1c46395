/**
 * A text field outside the policy draft (the grant form, the trust inputs), its help and errors tied to it. Its own
 * module, so the first view, which only the policy form needs, does not carry it.
 */
import Textfield from '@atlaskit/textfield';
import { FieldFrame } from './fields';

interface FreeTextFieldProps {
  readonly id: string;
  readonly label: string;
  readonly help: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
  readonly errors?: string[];
  onChange(value: string): void;
}

export function FreeTextField({
  id,
  label,
  help,
  value,
  placeholder,
  maxLength,
  errors = [],
  onChange,
}: FreeTextFieldProps) {
  const invalid = errors.length > 0;
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors}>
      <Textfield
        id={id}
        value={value}
        placeholder={placeholder}
        maxLength={maxLength}
        isInvalid={invalid}
        aria-invalid={invalid}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        onChange={(e) => onChange((e.target as HTMLInputElement).value)}
      />
    </FieldFrame>
  );
}
