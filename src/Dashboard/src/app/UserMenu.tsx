import { useMutation, useQueryClient } from '@tanstack/react-query';
import { KeyRound, LogOut, Monitor, Moon, Sun, UserCog } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Avatar } from '../components/Avatar';
import { Menu, MenuItem } from '../components/Menu';
import { useToast } from '../components/Toasts';
import { logout, roleLabel } from '../services/session';
import { useThemePreference, type ThemePreference } from '../theme/theme';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { useSession } from './session';

const themes: { value: ThemePreference; label: string; icon: typeof Sun }[] = [
  { value: 'light', label: 'Light', icon: Sun },
  { value: 'dark', label: 'Dark', icon: Moon },
  { value: 'system', label: 'System', icon: Monitor },
];

export function UserMenu() {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [theme, setTheme] = useThemePreference();
  const [changingPassword, setChangingPassword] = useState(false);
  const signOut = useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
    onError: (error) => toast({ tone: 'bad', title: 'Could not sign out', detail: String(error) }),
  });

  return (
    <>
      <Menu
        label="Account"
        placement="up"
        trigger={(props) => (
          <button
            type="button"
            className="usermenu-button"
            {...props}
            aria-label={`Account: ${session.user.displayName}`}
          >
            <Avatar name={session.user.displayName} size={30} />
            <span className="switcher__text">
              <span className="switcher__name">{session.user.displayName}</span>
              <span className="switcher__sub">{session.user.email}</span>
            </span>
            <UserCog size={16} className="muted" aria-hidden="true" />
          </button>
        )}
      >
        {(close) => (
          <>
            <div className="menu__head">
              <strong>{session.user.displayName}</strong>
              <span className="muted small">
                {session.user.email} · {roleLabel(session.role)} of {session.company.name}
              </span>
            </div>
            <div className="menu__sep" />
            <div className="menu__label">Theme</div>
            {themes.map(({ value, label, icon: Icon }) => (
              <MenuItem
                key={value}
                checked={theme === value}
                icon={<Icon size={16} />}
                onSelect={() => setTheme(value)}
              >
                {label}
              </MenuItem>
            ))}
            <div className="menu__sep" />
            <MenuItem
              icon={<KeyRound size={16} />}
              onSelect={() => {
                close();
                void navigate('/settings/tokens');
              }}
            >
              API tokens
            </MenuItem>
            <MenuItem
              icon={<UserCog size={16} />}
              onSelect={() => {
                close();
                setChangingPassword(true);
              }}
            >
              Change password…
            </MenuItem>
            <div className="menu__sep" />
            <MenuItem
              icon={<LogOut size={16} />}
              onSelect={() => {
                close();
                signOut.mutate();
              }}
            >
              Log out
            </MenuItem>
          </>
        )}
      </Menu>
      <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
    </>
  );
}
