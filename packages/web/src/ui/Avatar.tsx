import { hue, initials } from '../text/format.js';

interface AvatarProps {
  id: string;
  name: string;
  size?: number;
  /** Shows the green dot. */
  online?: boolean;
  group?: boolean;
}

/** Initials on a colour of the user's own; decorative (the name is always written next to it). */
export function Avatar({ id, name, size = 44, online, group }: AvatarProps) {
  const h = hue(id);
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.38, ['--avatar-hue' as string]: h }} aria-hidden="true" data-group={group || undefined}>
      {initials(name)}
      {online && <span className="avatar-dot" />}
    </span>
  );
}
